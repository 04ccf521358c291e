using System.Buffers.Text;
using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Web;

/// <summary>One file of the web app, read from the binary once: its bytes, media type and strong ETag.</summary>
public sealed record WebAsset(string Name, byte[] Content, string ContentType, string ETag);

/// <summary>
/// The web app's files (<c>Web/app/</c>), embedded in the Tavolo binary as resources named <c>web/…</c> (see
/// Tavolo.csproj): nothing is read from disk, so the Native AOT binary and a Lambda package carry the pages with them.
/// Served under a path (API Gateway's stage URL ends in <c>/prod</c>; that is the path of <c>Tavolo__PublicBaseUrl</c>),
/// each page's root-absolute links get that path in front, and the page names it for its scripts (<c>js/base.js</c>).
/// </summary>
public sealed class WebAssets
{
    public WebAssets()
        : this("")
    {
    }

    public WebAssets(IOptions<TavoloOptions> options)
        : this(BasePathOf(options.Value.PublicBaseUrl))
    {
    }

    private WebAssets(string basePath)
    {
        BasePath = basePath;
        _files = Load(basePath);
    }

    /// <summary>The path the app is served under: "" at a domain's root, else e.g. <c>/prod</c> (no trailing slash).</summary>
    public string BasePath { get; }

    /// <summary>The path of the public URL (<c>https://…/prod</c> → <c>/prod</c>), "" when it has none or is unset.</summary>
    public static string BasePathOf(string? publicBaseUrl) =>
        Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var uri) ? uri.AbsolutePath.TrimEnd('/') : "";

    private const string Prefix = "web/";

    private static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".webmanifest"] = "application/manifest+json",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, WebAsset> _files;

    public IEnumerable<WebAsset> All => _files.Values;

    public WebAsset? Find(string name) => _files.GetValueOrDefault(name);

    private static FrozenDictionary<string, WebAsset> Load(string basePath)
    {
        var assembly = typeof(WebAssets).Assembly;
        var files = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var name = resource[Prefix.Length..].Replace('\\', '/');
            if (!Types.TryGetValue(Path.GetExtension(name), out var type))
                continue; // only what a browser is meant to load
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            if (basePath.Length > 0 && name.EndsWith(".html", StringComparison.Ordinal))
                bytes = UnderBasePath(bytes, basePath);
            files[name] = new WebAsset(name, bytes, type, "\"" + Base64Url.EncodeToString(SHA256.HashData(bytes).AsSpan(0, 16)) + "\"");
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>A page whose root-absolute <c>href</c>s and <c>src</c>s start with the base path, and which names it in a meta tag.</summary>
    private static byte[] UnderBasePath(byte[] page, string basePath)
    {
        var encoded = System.Net.WebUtility.HtmlEncode(basePath);
        var html = System.Text.Encoding.UTF8.GetString(page)
            .Replace(" href=\"/", $" href=\"{encoded}/", StringComparison.Ordinal)
            .Replace(" src=\"/", $" src=\"{encoded}/", StringComparison.Ordinal)
            .Replace("<meta charset=\"utf-8\">", $"<meta charset=\"utf-8\">\n  <meta name=\"tavolo-base\" content=\"{encoded}\">", StringComparison.Ordinal);
        return System.Text.Encoding.UTF8.GetBytes(html);
    }
}
