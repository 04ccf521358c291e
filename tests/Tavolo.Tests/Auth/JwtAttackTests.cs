using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Tavolo.Tests.Auth;

/// <summary>The classic ways to forge a JWT; each must get 401, while the control token gets 200.</summary>
public sealed class JwtAttackTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Fact]
    public async Task The_control_token_minted_with_the_real_key_is_accepted()
    {
        var user = await app.NewUserAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusWith(await SignedTokens.ForAsync(app, user)));
    }

    [Fact]
    public async Task Alg_none_is_refused()
    {
        var user = await app.NewUserAsync();
        var (_, payload) = Jwt.Decode(user.AccessToken);
        var token = Jwt.Encode(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }, payload, _ => []);
        await AssertRefused(token);
        await AssertRefused(token.TrimEnd('.') + "."); // with and without the empty signature
    }

    [Fact]
    public async Task An_hmac_token_keyed_with_the_public_key_is_refused()
    {
        var user = await app.NewUserAsync();
        var (header, payload) = Jwt.Decode(user.AccessToken);
        using var client = app.Anonymous();
        var jwks = JsonNode.Parse(await client.GetStringAsync("/.well-known/jwks.json"))!;
        var publicKey = Encoding.UTF8.GetBytes(jwks["keys"]![0]!.ToJsonString());
        var forged = Jwt.Encode(new JsonObject { ["alg"] = "HS256", ["kid"] = (string)header["kid"]!, ["typ"] = "JWT" }, payload,
            data => HMACSHA256.HashData(publicKey, data));
        await AssertRefused(forged);
        var withX = Jwt.Encode(new JsonObject { ["alg"] = "HS256", ["kid"] = (string)header["kid"]!, ["typ"] = "JWT" }, payload,
            data => HMACSHA256.HashData(Base64Url.DecodeFromChars((string)jwks["keys"]![0]!["x"]!), data));
        await AssertRefused(withX);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_refused_even_with_our_kid()
    {
        var user = await app.NewUserAsync();
        var (header, payload) = Jwt.Decode(user.AccessToken);
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await AssertRefused(Jwt.Encode(header, payload, data => foreign.SignData(data, HashAlgorithmName.SHA256)));
    }

    [Fact]
    public async Task A_tampered_payload_is_refused()
    {
        var user = await app.NewUserAsync();
        var parts = user.AccessToken.Split('.');
        var (_, payload) = Jwt.Decode(user.AccessToken);
        payload["role"] = "admin";
        var tampered = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." + parts[2];
        await AssertRefused(tampered);
    }

    [Fact]
    public async Task A_foreign_issuer_is_refused() =>
        await AssertRefused(await SignedTokens.ForAsync(app, await app.NewUserAsync(), issuer: "https://evil.example"));

    [Fact]
    public async Task A_foreign_audience_is_refused() =>
        await AssertRefused(await SignedTokens.ForAsync(app, await app.NewUserAsync(), audience: "another-api"));

    [Fact]
    public async Task An_expired_token_is_refused() =>
        await AssertRefused(await SignedTokens.ForAsync(app, await app.NewUserAsync(), lifetime: TimeSpan.FromMinutes(1), issuedAgo: TimeSpan.FromMinutes(5)));

    [Fact]
    public async Task A_valid_signature_for_a_session_that_does_not_exist_is_refused() =>
        await AssertRefused(await SignedTokens.ForAsync(app, await app.NewUserAsync(), sessionId: "no-such-session"));

    [Fact]
    public async Task A_token_with_a_critical_header_extension_is_refused()
    {
        // RFC 7515: "crit" names extensions the recipient must understand or refuse the token; Tavolo understands none.
        var user = await app.NewUserAsync();
        await AssertRefused(await SignedTokens.ForAsync(app, user, crit: new JsonArray("exp")));
        await AssertRefused(await SignedTokens.ForAsync(app, user, crit: new JsonArray("urn:example:unknown")));
        Assert.Equal(HttpStatusCode.OK, await StatusWith(await SignedTokens.ForAsync(app, user))); // the same token without it
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer a.b.c")]
    [InlineData("Bearer not-a-jwt")]
    public async Task Malformed_authorization_headers_are_refused(string header)
    {
        using var client = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/users/me");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        await (await client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<HttpStatusCode> StatusWith(string token)
    {
        using var client = app.As(token);
        return (await client.GetAsync("/users/me")).StatusCode;
    }

    private async Task AssertRefused(string token)
    {
        using var client = app.As(token);
        var response = await client.GetAsync("/users/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }
}
