using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Tavolo.Platform;

namespace Tavolo.Auth;

/// <summary>
/// The ES256 (P-256) key ring. Generated on first run into a JSON file (<c>Tavolo__Auth__SigningKeyPath</c>,
/// default <c>signing-keys.json</c> beside the database) that may hold several keys: the newest signs, every one
/// verifies and is published in the JWKS, so a key can be rotated in by adding one and retired later by removing it.
/// The file is read and checked when the app starts; the keys become OpenSSL key objects on first use (loading and
/// initialising OpenSSL was about a third of a traced Native AOT start, and <c>/health</c> needs no key), which <see cref="Warm"/> does in the
/// background once the app is listening (docs/performance.md, cold start).
/// </summary>
public sealed class SigningKeys
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256; // "ES256"

    public SigningKeys(IOptions<TavoloOptions> options)
    {
        var auth = options.Value.Auth;
        var path = string.IsNullOrWhiteSpace(auth.SigningKeyPath)
            ? Path.Combine(DataDirectory.Of(options.Value), "signing-keys.json")
            : auth.SigningKeyPath;
        // On AWS every function reads the same ring from Tavolo__Auth__SigningKeys (a Secrets Manager secret); locally, a file.
        var json = string.IsNullOrWhiteSpace(auth.SigningKeys) ? DataDirectory.ReadOrCreate(path, NewFile) : System.Text.Encoding.UTF8.GetBytes(auth.SigningKeys);
        var file = JsonSerializer.Deserialize(json, SigningKeysJson.Default.KeyFile)
            ?? throw new InvalidOperationException($"The signing key file {path} is empty.");
        if (file.Keys.Count == 0)
            throw new InvalidOperationException($"The signing key file {path} holds no key.");

        var keys = file.Keys.OrderByDescending(k => k.CreatedAt).Select(Decode).ToArray();
        _all = new Lazy<ECDsaSecurityKey[]>(() => [.. keys.Select(k => ToSecurityKey(k.Kid, k.Parameters))]);
        _current = new Lazy<SigningCredentials>(() => new SigningCredentials(_all.Value[0], Algorithm));
        Jwks = new JsonWebKeySet(file.Keys.Select(k => new PublicJwk("EC", "sig", Algorithm, k.Kid, "P-256", k.X, k.Y)).ToList());
    }

    private readonly Lazy<ECDsaSecurityKey[]> _all;
    private readonly Lazy<SigningCredentials> _current;

    /// <summary>Every key tokens may be signed with, newest first.</summary>
    public IReadOnlyList<ECDsaSecurityKey> All => _all.Value;

    public SigningCredentials Current => _current.Value;

    /// <summary>Makes the key objects now (OpenSSL loads and checks every point), so the first request need not.</summary>
    public void Warm() => _ = Current;

    public JsonWebKeySet Jwks { get; }

    /// <summary>The stored key's numbers, decoded now so that a malformed file fails the start.</summary>
    private static (string Kid, ECParameters Parameters) Decode(StoredKey key) => (key.Kid, new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        D = Base64Url.DecodeFromChars(key.D),
        Q = new ECPoint { X = Base64Url.DecodeFromChars(key.X), Y = Base64Url.DecodeFromChars(key.Y) },
    });

    private static ECDsaSecurityKey ToSecurityKey(string kid, ECParameters parameters) =>
        new(ECDsa.Create(parameters)) { KeyId = kid };

    private static byte[] NewFile()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ecdsa.ExportParameters(includePrivateParameters: true);
        var x = Base64Url.EncodeToString(p.Q.X);
        var y = Base64Url.EncodeToString(p.Q.Y);
        // RFC 7638 thumbprint as the kid: stable, and derived from the public key alone.
        var thumbprint = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}"""));
        var key = new StoredKey(Base64Url.EncodeToString(thumbprint), Base64Url.EncodeToString(p.D), x, y, DateTime.UtcNow);
        return JsonSerializer.SerializeToUtf8Bytes(new KeyFile([key]), SigningKeysJson.Default.KeyFile);
    }

    public sealed record KeyFile(List<StoredKey> Keys);

    public sealed record StoredKey(string Kid, string D, string X, string Y, DateTime CreatedAt);
}

/// <summary><c>/.well-known/jwks.json</c>.</summary>
public sealed record JsonWebKeySet(IReadOnlyList<PublicJwk> Keys);

public sealed record PublicJwk(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(SigningKeys.KeyFile))]
internal sealed partial class SigningKeysJson : JsonSerializerContext;
