using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Tavolo.Tests.Auth;

public sealed class AuthTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private const string Password = "a-long-enough-pass-7";

    [Fact]
    public async Task Register_creates_a_customer_by_default_and_never_returns_the_password()
    {
        using var client = app.Anonymous();
        var email = TavoloApp.NewEmail();
        var response = await client.PostAsJsonAsync("/auth/register", new { email, password = Password, name = "Ann" });
        var user = await response.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal("customer", (string)user["role"]!);
        Assert.Equal(email, (string)user["email"]!);
        Assert.Equal("Ann", (string)user["name"]!);
        Assert.Equal($"/users/{user["id"]}", response.Headers.Location?.ToString());
        Assert.EndsWith("Z", (string)user["createdAt"]!, StringComparison.Ordinal);
        var raw = user.ToJsonString();
        Assert.DoesNotContain(Password, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", raw, StringComparison.Ordinal);
        Assert.Equal(["id", "email", "name", "role", "createdAt", "updatedAt"], user.Select(p => p.Key));
    }

    [Fact]
    public async Task Register_as_owner_is_allowed_but_admin_is_not()
    {
        using var client = app.Anonymous();
        var owner = await client.PostAsJsonAsync("/auth/register", new { email = TavoloApp.NewEmail(), password = Password, name = "O", accountType = "owner" });
        Assert.Equal("owner", (string)(await owner.ReadJsonAsync(HttpStatusCode.Created))["role"]!);

        var email = TavoloApp.NewEmail();
        var admin = await client.PostAsJsonAsync("/auth/register", new { email, password = Password, name = "A", accountType = "admin" });
        await admin.AssertFieldErrorAsync("accountType");
        await (await client.PostAsJsonAsync("/auth/login", new { email, password = Password })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Register_with_a_taken_email_in_any_case_is_409()
    {
        using var client = app.Anonymous();
        var email = TavoloApp.NewEmail();
        await (await client.PostAsJsonAsync("/auth/register", new { email, password = Password, name = "A" })).ReadJsonAsync(HttpStatusCode.Created);
        var again = await client.PostAsJsonAsync("/auth/register", new { email = email.ToUpperInvariant(), password = Password, name = "B" });
        await again.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("short")]                 // under 10
    [InlineData("password123")]           // common
    [InlineData("QWERTYUIOP")]            // common, any case
    [InlineData("aaaaaaaaaaaaaaaa")]      // too few distinct characters
    public async Task Register_refuses_weak_passwords(string password)
    {
        using var client = app.Anonymous();
        var response = await client.PostAsJsonAsync("/auth/register", new { email = TavoloApp.NewEmail(), password, name = "A" });
        await response.AssertFieldErrorAsync("password");
    }

    [Fact]
    public async Task Register_refuses_a_password_over_128_characters()
    {
        using var client = app.Anonymous();
        var response = await client.PostAsJsonAsync("/auth/register", new { email = TavoloApp.NewEmail(), password = new string('x', 64) + new string('y', 65), name = "A" });
        await response.AssertFieldErrorAsync("password");
    }

    [Theory]
    [InlineData("""{"password":"a-long-enough-pass-7","name":"A"}""", "email")]
    [InlineData("""{"email":"not-an-email","password":"a-long-enough-pass-7","name":"A"}""", "email")]
    [InlineData("""{"email":"a@b.c","password":"a-long-enough-pass-7"}""", "name")]
    [InlineData("""{"email":"a@b.c","password":"a-long-enough-pass-7","name":"   "}""", "name")]
    [InlineData("""{"email":"a@b.c","name":"A"}""", "password")]
    [InlineData("""{"email":"a@b.c","password":"a-long-enough-pass-7","name":"A","accountType":"chef"}""", "accountType")]
    [InlineData("""{"email":"a@b.c","password":12345678901,"name":"A"}""", "password")]
    public async Task Register_names_the_bad_field(string body, string field)
    {
        using var client = app.Anonymous();
        await (await client.PostAsync("/auth/register", HttpAssertions.Json(body))).AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task Register_refuses_an_over_long_name()
    {
        using var client = app.Anonymous();
        var response = await client.PostAsJsonAsync("/auth/register", new { email = TavoloApp.NewEmail(), password = Password, name = new string('n', 101) });
        await response.AssertFieldErrorAsync("name");
    }

    [Fact]
    public async Task Login_returns_the_contracted_tokens_and_claims()
    {
        var user = await app.NewUserAsync("owner");
        var tokens = user.Tokens;
        Assert.Equal("Bearer", (string)tokens["tokenType"]!);
        Assert.Equal(900, (int)tokens["expiresIn"]!);
        Assert.Equal(30 * 24 * 3600, (int)tokens["refreshExpiresIn"]!);
        Assert.False(string.IsNullOrEmpty((string)tokens["refreshToken"]!));

        var (header, payload) = Jwt.Decode(user.AccessToken);
        Assert.Equal("ES256", (string)header["alg"]!);
        Assert.False(string.IsNullOrEmpty((string)header["kid"]!));
        Assert.Equal(user.Id, (string)payload["sub"]!);
        Assert.Equal((string)tokens["sessionId"]!, (string)payload["sid"]!);
        Assert.Equal("owner", (string)payload["role"]!);
        Assert.Equal(user.Email, (string)payload["email"]!);
        Assert.Equal("http://localhost:5080", (string)payload["iss"]!);
        Assert.Equal("tavolo-api", (string)payload["aud"]!);
        Assert.Equal(900, (long)payload["exp"]! - (long)payload["iat"]!);
        Assert.False(string.IsNullOrEmpty((string)payload["jti"]!));
    }

    [Fact]
    public async Task Login_ignores_the_case_of_the_email()
    {
        var user = await app.NewUserAsync();
        await app.LoginAsync(user.Email.ToUpperInvariant(), user.Password);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_answer()
    {
        var user = await app.NewUserAsync();
        using var client = app.Anonymous();
        var wrong = await (await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "not-the-password-1" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        var unknown = await (await client.PostAsJsonAsync("/auth/login", new { email = TavoloApp.NewEmail(), password = "not-the-password-1" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        foreach (var key in new[] { "type", "title", "status", "detail" })
            Assert.Equal(wrong[key]?.ToJsonString(), unknown[key]?.ToJsonString());
    }

    [Fact]
    public async Task The_discovery_document_and_jwks_verify_our_tokens()
    {
        var user = await app.NewUserAsync();
        using var client = app.Anonymous();
        var discovery = await client.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration");
        var (header, payload) = Jwt.Decode(user.AccessToken);
        Assert.Equal((string)payload["iss"]!, (string)discovery!["issuer"]!);
        Assert.Equal("http://localhost:5080/.well-known/jwks.json", (string)discovery["jwks_uri"]!);
        Assert.Equal(["ES256"], discovery["id_token_signing_alg_values_supported"]!.AsArray().Select(a => (string)a!));

        var jwks = await client.GetFromJsonAsync<JsonObject>("/.well-known/jwks.json");
        var key = jwks!["keys"]!.AsArray().Single(k => (string)k!["kid"]! == (string)header["kid"]!)!;
        Assert.Equal("EC", (string)key["kty"]!);
        Assert.Equal("P-256", (string)key["crv"]!);
        Assert.Null(key["d"]); // never the private part
        Assert.True(Jwt.VerifyEs256(user.AccessToken, (string)key["x"]!, (string)key["y"]!));
    }

    [Fact]
    public async Task An_access_token_expires_after_fifteen_minutes()
    {
        var user = await app.NewUserAsync();
        var token = await SignedTokens.ForAsync(app, user, lifetime: TimeSpan.FromMinutes(15), issuedAgo: TimeSpan.FromMinutes(16));
        using var client = app.As(token);
        await (await client.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var fresh = user.Client();
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/users/me")).StatusCode);
    }

    [Fact]
    public async Task Refresh_rotates_and_the_new_pair_works()
    {
        var user = await app.NewUserAsync();
        using var client = app.Anonymous();
        var next = await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(user.RefreshToken, (string)next["refreshToken"]!);
        Assert.Equal((string)user.Tokens["sessionId"]!, (string)next["sessionId"]!);
        using var authed = app.As((string)next["accessToken"]!);
        Assert.Equal(HttpStatusCode.OK, (await authed.GetAsync("/users/me")).StatusCode);
        var third = await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = (string)next["refreshToken"]! });
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task Reusing_a_spent_refresh_token_revokes_the_whole_session()
    {
        var user = await app.NewUserAsync();
        using var client = app.Anonymous();
        var next = await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken })).ReadJsonAsync(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromSeconds(11)); // past the 10 s race grace (API.md, Auth)

        await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized);

        // The thief replayed the old token: the legitimate new pair dies too.
        await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = (string)next["refreshToken"]! })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var authed = app.As((string)next["accessToken"]!);
        await (await authed.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var original = user.Client();
        await (await original.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Two_racing_refreshes_of_one_token_never_both_succeed()
    {
        var user = await app.NewUserAsync();
        using var client = app.Anonymous();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            client.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken })));
        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.OK) <= 1);
        Assert.All(results, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Unauthorized }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    public async Task Refresh_with_an_unknown_token_is_refused(string refreshToken)
    {
        using var client = app.Anonymous();
        var response = await client.PostAsJsonAsync("/auth/refresh", new { refreshToken });
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Refresh_after_the_session_lifetime_is_refused()
    {
        var user = await app.NewUserAsync();
        app.Clock.Advance(TimeSpan.FromDays(31)); // the app's clock only moves forward; later tests mint tokens at the new time
        using var client = app.Anonymous();
        await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_ends_the_session_at_once()
    {
        var user = await app.NewUserAsync();
        using var client = app.Anonymous();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/auth/logout", new { refreshToken = user.RefreshToken })).StatusCode);
        using var authed = user.Client();
        await (await authed.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_with_an_unknown_token_says_nothing_about_it()
    {
        using var client = app.Anonymous();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/auth/logout", new { refreshToken = "made-up" })).StatusCode);
    }

    [Fact]
    public async Task Sessions_lists_the_callers_live_sessions_and_marks_the_current_one()
    {
        var user = await app.NewUserAsync();
        var second = await app.LoginAsync(user.Email, user.Password);
        using var client = user.Client();
        var list = await (await client.GetAsync("/auth/sessions")).ReadJsonAsync(HttpStatusCode.OK);
        var items = list["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        var current = items.Single(i => (bool)i!["current"]!)!;
        Assert.Equal((string)user.Tokens["sessionId"]!, (string)current["id"]!);
        Assert.Contains(items, i => (string)i!["id"]! == (string)second["sessionId"]!);
        foreach (var field in new[] { "createdAt", "lastUsedAt", "expiresAt" })
            Assert.NotNull(current[field]);
    }

    [Fact]
    public async Task Deleting_a_session_revokes_it_and_another_users_session_is_404()
    {
        var user = await app.NewUserAsync();
        var other = await app.NewUserAsync();
        var second = await app.LoginAsync(user.Email, user.Password);
        using var client = user.Client();

        var foreign = await client.DeleteAsync($"/auth/sessions/{other.Tokens["sessionId"]}");
        await foreign.AssertProblemAsync(HttpStatusCode.NotFound);
        using var otherClient = other.Client();
        Assert.Equal(HttpStatusCode.OK, (await otherClient.GetAsync("/users/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/auth/sessions/{second["sessionId"]}")).StatusCode);
        using var secondClient = app.As((string)second["accessToken"]!);
        await (await secondClient.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users/me")).StatusCode);
        var list = await (await client.GetAsync("/auth/sessions")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Single(list["items"]!.AsArray());
    }

    [Fact]
    public async Task Session_routes_need_a_token()
    {
        using var client = app.Anonymous();
        await (await client.GetAsync("/auth/sessions")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.DeleteAsync("/auth/sessions/x")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Passwords_are_stored_only_as_slow_salted_hashes()
    {
        var user = await app.NewUserAsync();
        // Read back through the storage ports, so this holds for every adapter.
        var services = app.Services;
        var stored = (await services.GetRequiredService<Tavolo.Users.IUserStore>().FindAsync(user.Id, default))!.PasswordHash;
        Assert.StartsWith("pbkdf2-sha512$", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Password, stored, StringComparison.Ordinal);
        Assert.Null(await services.GetRequiredService<Tavolo.Auth.ISessionStore>().FindRefreshTokenAsync(user.RefreshToken, default)); // never the token itself
    }

    [Fact]
    public async Task Authorization_is_built_once_for_every_request_and_still_judges_each_caller_on_its_own()
    {
        // One policy evaluator for every request (not ASP.NET Core's transient one per request: docs/performance.md).
        using (var first = app.Services.CreateScope())
        using (var second = app.Services.CreateScope())
        {
            Assert.Same(first.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Authorization.Policy.IPolicyEvaluator>(),
                second.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Authorization.Policy.IPolicyEvaluator>());
            Assert.Same(first.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationService>(),
                second.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationService>());
        }
        var owner = await app.NewUserAsync("owner");
        var customer = await app.NewUserAsync();
        using var ownerClient = owner.Client();
        using var customerClient = customer.Client();
        using var anonymous = app.Anonymous();
        for (var i = 0; i < 3; i++) // interleaved: nothing of one caller's decision stays for the next
        {
            Assert.Equal(HttpStatusCode.OK, (await ownerClient.GetAsync("/waitlists")).StatusCode);
            await (await customerClient.GetAsync("/waitlists")).AssertProblemAsync(HttpStatusCode.Forbidden);
            var refused = await anonymous.GetAsync("/waitlists");
            await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.ToString());
        }
    }
}

/// <summary>The app reading its key ring from configuration, as every Lambda function does from one secret.</summary>
public sealed class ConfiguredKeysApp : TavoloApp
{
    public static readonly string Ring = MakeRing();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Tavolo:Auth:SigningKeys"] = Ring };

    private static string MakeRing()
    {
        var folder = Directory.CreateTempSubdirectory("tavolo-ring-").FullName;
        var options = new Tavolo.Platform.TavoloOptions();
        options.Auth.SigningKeyPath = Path.Combine(folder, "ring.json");
        _ = new Tavolo.Auth.SigningKeys(Microsoft.Extensions.Options.Options.Create(options)); // writes a fresh ring
        var ring = File.ReadAllText(options.Auth.SigningKeyPath);
        Directory.Delete(folder, recursive: true);
        return ring;
    }
}

public sealed class ConfiguredKeysTests(ConfiguredKeysApp app) : IClassFixture<ConfiguredKeysApp>
{
    [Fact]
    public async Task Keys_from_configuration_sign_the_tokens_and_no_key_file_is_written()
    {
        using var client = app.Anonymous();
        var jwks = await (await client.GetAsync("/.well-known/jwks.json")).ReadJsonAsync(HttpStatusCode.OK);
        var kid = (string)jwks["keys"]![0]!["kid"]!;
        Assert.Contains(kid, ConfiguredKeysApp.Ring, StringComparison.Ordinal);
        var user = await app.NewUserAsync();
        Assert.Equal(kid, (string)Jwt.Decode(user.AccessToken).Header["kid"]!);
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "signing-keys.json")));
    }
}

/// <summary>The key ring is checked at start without OpenSSL; the keys' OpenSSL objects are made on first use or by the warm-up.</summary>
public sealed class SigningKeyRingTests
{
    private static Tavolo.Auth.SigningKeys Ring(string json)
    {
        var options = new Tavolo.Platform.TavoloOptions();
        options.Auth.SigningKeys = json;
        return new Tavolo.Auth.SigningKeys(Microsoft.Extensions.Options.Options.Create(options));
    }

    [Fact]
    public void A_malformed_ring_fails_at_start()
    {
        Assert.ThrowsAny<Exception>(() => Ring("""{"keys":[{"kid":"k","d":"***","x":"AA","y":"AA","createdAt":"2026-01-01T00:00:00Z"}]}"""));
        Assert.Throws<InvalidOperationException>(() => Ring("""{"keys":[]}"""));
    }

    [Fact]
    public void A_point_off_the_curve_is_refused_when_the_keys_are_made_and_a_good_ring_signs_after_warming()
    {
        var good = System.Text.Json.Nodes.JsonNode.Parse(ConfiguredKeysApp.Ring)!;
        var key = good["keys"]![0]!;
        var offCurve = key.DeepClone();
        offCurve["x"] = offCurve["y"]!.GetValue<string>(); // (y, y) is not on P-256
        var bad = Ring(new System.Text.Json.Nodes.JsonObject { ["keys"] = new System.Text.Json.Nodes.JsonArray(offCurve) }.ToJsonString());
        Assert.Single(bad.Jwks.Keys); // read and published without OpenSSL
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(bad.Warm);

        var ring = Ring(ConfiguredKeysApp.Ring);
        ring.Warm();
        Assert.Equal((string)key["kid"]!, ring.Current.Key.KeyId);
    }
}
