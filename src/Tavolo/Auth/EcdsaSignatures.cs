using System.Buffers.Text;
using System.Numerics;

namespace Tavolo.Auth;

/// <summary>
/// ECDSA signatures are malleable: if (r, s) verifies, so does (r, n − s). Tavolo signs only the canonical low-S
/// form (s ≤ n/2) and refuses the other, so a token has exactly one valid spelling (nothing can be keyed by a
/// token string and then dodged by a re-spelled twin). ES256, P-256 only.
/// </summary>
public static class EcdsaSignatures
{
    private const int Half = 32;

    /// <summary>The order n of the P-256 group.</summary>
    private static readonly BigInteger N = BigInteger.Parse(
        "0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    private static readonly BigInteger HalfN = N >> 1;

    /// <summary>True when the compact JWS carries a 64-byte ES256 signature in low-S form.</summary>
    public static bool IsCanonical(string token)
    {
        var dot = token.LastIndexOf('.');
        if (dot < 0 || !TryDecode(token.AsSpan(dot + 1), out var signature))
            return false;
        return new BigInteger(signature.AsSpan(Half), isUnsigned: true, isBigEndian: true) <= HalfN;
    }

    /// <summary>The same token with its signature's s replaced by n − s when s is in the upper half.</summary>
    public static string Canonicalize(string token)
    {
        var dot = token.LastIndexOf('.');
        if (dot < 0 || !TryDecode(token.AsSpan(dot + 1), out var signature))
            return token;
        var s = new BigInteger(signature.AsSpan(Half), isUnsigned: true, isBigEndian: true);
        if (s <= HalfN)
            return token;
        var low = (N - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        Array.Clear(signature, Half, Half);
        low.CopyTo(signature, signature.Length - low.Length);
        return string.Concat(token.AsSpan(0, dot + 1), Base64Url.EncodeToString(signature));
    }

    private static bool TryDecode(ReadOnlySpan<char> encoded, out byte[] signature)
    {
        signature = new byte[2 * Half];
        return encoded.Length == 86 && Base64Url.TryDecodeFromChars(encoded, signature, out var written) && written == 2 * Half;
    }
}
