using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tavolo.Waitlists.Notifications;

/// <summary>
/// Where a webhook may point (SSRF): only public addresses, unless <c>Tavolo__Notifications__AllowPrivateWebhookTargets</c>.
/// Checked when a URL is saved — the host parsed in every spelling a resolver would accept (decimal <c>2130706433</c>,
/// hex <c>0x7f000001</c>, short <c>127.1</c>, octal, IPv6, IPv4-mapped <c>[::ffff:127.0.0.1]</c>) — and again for every
/// address DNS answers when <see cref="WebhookChannel"/> connects (DNS rebinding), since a name is only a promise.
/// </summary>
public static class WebhookTargets
{
    /// <summary>Why this URL may not be saved as a webhook (null when it may).</summary>
    public static string? Refusal(string url, NotificationOptions options)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return "Must be an absolute https URL.";
        if (uri.Scheme != Uri.UriSchemeHttps && !options.AllowInsecureWebhooks)
            return "Must be an https URL.";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return "Must not carry a user name or password.";
        if (options.AllowPrivateWebhookTargets)
            return null;
        var host = uri.IdnHost.TrimEnd('.');
        if (ParseHost(host) is { } address)
            return IsPublic(address) ? null : "Must not point at a loopback, private, link-local or other non-public address.";
        if (host.Length == 0 || !host.Contains('.', StringComparison.Ordinal)
            || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".local", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase))
            return "Must name a public host (a fully qualified domain name or a public address).";
        return null;
    }

    /// <summary>Whether the URL may be sent to now (scheme and literal address; the connection checks what DNS answers).</summary>
    public static bool MaySend(string url, NotificationOptions options) => Refusal(url, options) is null;

    /// <summary>
    /// A host that is an address in any spelling: IPv6 (bracketed or not), or IPv4 the way <c>inet_aton</c> reads it —
    /// one to four parts, each decimal, <c>0x</c> hex or <c>0</c>-led octal, the last filling the remaining bytes.
    /// </summary>
    public static IPAddress? ParseHost(string host)
    {
        host = host.Trim('[', ']').TrimEnd('.');
        if (host.Contains(':', StringComparison.Ordinal))
            return IPAddress.TryParse(host, out var v6) ? v6 : null;
        var parts = host.Split('.');
        if (parts.Length is < 1 or > 4)
            return null;
        var values = new ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (ParsePart(parts[i]) is not { } value)
                return null;
            values[i] = value;
        }
        ulong result = 0;
        for (var i = 0; i < values.Length - 1; i++)
        {
            if (values[i] > 255) return null;
            result |= values[i] << (8 * (3 - i));
        }
        var last = values[^1];
        var lastBits = 8 * (4 - (values.Length - 1));
        if (lastBits < 64 && last >= 1UL << lastBits)
            return null;
        result |= last;
        return new IPAddress(BitConverter.GetBytes((uint)result).Reverse().ToArray());
    }

    private static ulong? ParsePart(string part)
    {
        if (part.Length == 0 || part.Length > 32)
            return null;
        if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return part.Length == 2 ? 0 : ulong.TryParse(part.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : null;
        if (part.Length > 1 && part[0] == '0')
        {
            ulong octal = 0;
            foreach (var c in part[1..])
            {
                if (c is < '0' or > '7' || octal > (ulong.MaxValue >> 3)) return null;
                octal = (octal << 3) + (uint)(c - '0');
            }
            return octal;
        }
        return part.All(char.IsAsciiDigit) && ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var dec) ? dec : null;
    }

    /// <summary>False for loopback, private, shared, link-local, multicast, unspecified, documentation and other reserved ranges.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            return IsPublic(address.MapToIPv4());
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(b[0] is 0 or 10 or 127 or >= 224 // this network, private, loopback, multicast and reserved
                || (b[0] == 100 && b[1] is >= 64 and < 128) // shared (carrier-grade NAT)
                || (b[0] == 169 && b[1] == 254) // link-local, cloud metadata
                || (b[0] == 172 && b[1] is >= 16 and < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) // IETF protocol assignments, TEST-NET-1
                || (b[0] == 192 && b[1] == 88 && b[2] == 99) // 6to4 relay anycast
                || (b[0] == 198 && b[1] is 18 or 19) // benchmarking
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return false;
        // Addresses that embed an IPv4 one: judged by it (NAT64 64:ff9b::/96, 6to4 2002::/16); IPv4-compatible ::/96 is never public.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return IsPublic(new IPAddress(b.AsSpan(12, 4)));
        if (b[0] == 0x20 && b[1] == 0x02)
            return IsPublic(new IPAddress(b.AsSpan(2, 4)));
        return !(b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 // ::, ::1 and IPv4-compatible
            || (b.AsSpan(0, 8).IndexOfAnyExcept((byte)0) < 0 && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0) // IPv4-translated ::ffff:0:0/96
            || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0x00 && b[5] == 0x01) // local-use NAT64 64:ff9b:1::/48
            || b[0] == 0xff // multicast
            || (b[0] & 0xfe) == 0xfc // unique local fc00::/7
            || (b[0] == 0xfe && (b[1] & 0xc0) is 0x80 or 0xc0) // link-local fe80::/10, site-local fec0::/10
            || (b[0] == 0x01 && b[1] == 0x00 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0) // discard 100::/64
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) // documentation 2001:db8::/32
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)); // Teredo 2001::/32
    }
}
