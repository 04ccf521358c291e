using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Tavolo.Tests.Auth;

/// <summary>
/// Mints tokens with the app's real signing key (read from its data folder), so that a test can change one
/// claim at a time and show that exactly that claim is what gets the token refused.
/// </summary>
public static class SignedTokens
{
    public static async Task<string> ForAsync(
        TavoloApp app, TestUser user, TimeSpan? lifetime = null, TimeSpan? issuedAgo = null,
        string issuer = "http://localhost:5080", string audience = "tavolo-api", string? sessionId = null, string role = "customer",
        JsonArray? crit = null)
    {
        var now = app.Clock.GetUtcNow() - (issuedAgo ?? TimeSpan.Zero);
        var payload = new JsonObject
        {
            ["iss"] = issuer, ["aud"] = audience, ["sub"] = user.Id, ["sid"] = sessionId ?? (string)user.Tokens["sessionId"]!,
            ["role"] = role, ["email"] = user.Email, ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now.ToUnixTimeSeconds(), ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + (lifetime ?? TimeSpan.FromMinutes(15))).ToUnixTimeSeconds(),
        };
        var (kid, key) = await RealKeyAsync(app);
        using (key)
        {
            var header = new JsonObject { ["alg"] = "ES256", ["kid"] = kid, ["typ"] = "JWT" };
            if (crit is not null)
                header["crit"] = crit;
            return Jwt.Encode(header, payload,
                data => key.SignData(data, HashAlgorithmName.SHA256));
        }
    }

    public static async Task<(string Kid, ECDsa Key)> RealKeyAsync(TavoloApp app)
    {
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "signing-keys.json")))!;
        var stored = file["keys"]![0]!;
        var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = Base64Url.DecodeFromChars((string)stored["d"]!),
            Q = new ECPoint { X = Base64Url.DecodeFromChars((string)stored["x"]!), Y = Base64Url.DecodeFromChars((string)stored["y"]!) },
        });
        return ((string)stored["kid"]!, key);
    }
}
