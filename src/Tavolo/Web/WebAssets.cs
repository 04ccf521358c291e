using System.Buffers.Text;
using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Tavolo.Web;

/// <summary>One file of the web app, read from the binary once: its bytes, media type and strong ETag.</summary>
public sealed record WebAsset(string Name, byte[] Content, string ContentType, string ETag);

/// <summary>
/// The web app's files (<c>Web/app/</c>), embedded in the Tavolo binary as resources named <c>web/…</c> (see
/// Tavolo.csproj): nothing is read from disk, so the Native AOT binary and a Lambda package carry the pages with them.
/// </summary>
public sealed class WebAssets
{
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

    private readonly FrozenDictionary<string, WebAsset> _files = Load();

    public IEnumerable<WebAsset> All => _files.Values;

    public WebAsset? Find(string name) => _files.GetValueOrDefault(name);

    private static FrozenDictionary<string, WebAsset> Load()
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
            files[name] = new WebAsset(name, bytes, type, "\"" + Base64Url.EncodeToString(SHA256.HashData(bytes).AsSpan(0, 16)) + "\"");
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
