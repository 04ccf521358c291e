using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.HttpOverrides;

namespace Tavolo.Platform;

/// <summary>
/// The client address that throttling and rate limits count by, set once on <c>Connection.RemoteIpAddress</c>:
/// the socket's peer; or, only when that peer is one of <c>Tavolo__Http__TrustedProxies</c>, the address its
/// <c>X-Forwarded-For</c> names (ASP.NET Core's forwarded-headers middleware); or on Lambda (behind the Web Adapter,
/// where every peer is 127.0.0.1) API Gateway's <c>sourceIp</c> from the <c>x-amzn-request-context</c> header.
/// </summary>
public static class ClientAddress
{
    /// <summary>The header the Lambda Web Adapter fills with the API Gateway request context (JSON).</summary>
    public const string LambdaRequestContextHeader = "x-amzn-request-context";

    public static IServiceCollection AddTavoloClientAddress(this IServiceCollection services, TavoloOptions options)
    {
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            // The defaults trust loopback; Tavolo trusts exactly the configured proxies, and every hop among them.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            forwarded.ForwardLimit = null;
            foreach (var entry in options.Http.TrustedProxyList())
            {
                if (entry.Contains('/', StringComparison.Ordinal))
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
                else
                    forwarded.KnownProxies.Add(IPAddress.Parse(entry));
            }
        });
        return services;
    }

    /// <summary>First in the pipeline, so that everything after sees the client's address.</summary>
    public static IApplicationBuilder UseTavoloClientAddress(this IApplicationBuilder app, TavoloOptions options)
    {
        if (options.Hosting.Equals("lambda", StringComparison.OrdinalIgnoreCase))
        {
            app.Use((context, next) =>
            {
                if (FromLambdaRequestContext(context.Request.Headers[LambdaRequestContextHeader].ToString()) is { } source)
                    context.Connection.RemoteIpAddress = source;
                return next(context);
            });
        }
        if (options.Http.TrustedProxyList().Any())
            app.UseForwardedHeaders();
        return app;
    }

    /// <summary>The caller's address as a stable string (IPv4-mapped IPv6 written as IPv4); "unknown" when there is none.</summary>
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress is { } address
        ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
        : "unknown";

    /// <summary>
    /// <c>sourceIp</c> from an API Gateway request context: <c>identity.sourceIp</c> (REST API, payload 1.0) or
    /// <c>http.sourceIp</c> (HTTP API, payload 2.0). Null when the header is absent or holds no address.
    /// </summary>
    public static IPAddress? FromLambdaRequestContext(string json)
    {
        if (json.Length is 0 or > 16 * 1024)
            return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            foreach (var parent in (ReadOnlySpan<string>)["identity", "http"])
            {
                if (root.TryGetProperty(parent, out var holder) && holder.ValueKind == JsonValueKind.Object
                    && holder.TryGetProperty("sourceIp", out var ip) && ip.ValueKind == JsonValueKind.String
                    && IPAddress.TryParse(ip.GetString(), out var address))
                    return address;
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary><c>Tavolo__Http__*</c>.</summary>
public sealed class HttpOptions
{
    /// <summary>Comma-separated proxy addresses (or CIDR networks) whose <c>X-Forwarded-For</c> is believed; none by default.</summary>
    public string? TrustedProxies { get; set; }

    public IEnumerable<string> TrustedProxyList() =>
        (TrustedProxies ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
