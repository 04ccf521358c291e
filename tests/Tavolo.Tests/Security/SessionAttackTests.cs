using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json.Nodes;
using Tavolo.Auth;

namespace Tavolo.Tests.Security;

public sealed class SessionAttackTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private async Task<HttpResponseMessage> RefreshAsync(string token)
    {
        using var client = app.Anonymous();
        return await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = token });
    }

    [Fact]
    public async Task Twenty_concurrent_refreshes_with_one_token_leave_the_session_alive_with_exactly_one_new_pair()
    {
        var user = await app.NewUserAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => RefreshAsync(user.RefreshToken)));
        var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        var winner = await Assert.Single(winners).ReadJsonAsync(HttpStatusCode.OK);
        foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await loser.AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var client = app.As((string)winner["accessToken"]!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync((string)winner["refreshToken"]!)).StatusCode);
    }

    [Fact]
    public async Task A_replay_within_ten_seconds_is_refused_alone_and_after_ten_seconds_revokes_the_session()
    {
        var user = await app.NewUserAsync();
        var first = await (await RefreshAsync(user.RefreshToken)).ReadJsonAsync(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromSeconds(9));
        await (await RefreshAsync(user.RefreshToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var second = await (await RefreshAsync((string)first["refreshToken"]!)).ReadJsonAsync(HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromSeconds(11));
        await (await RefreshAsync((string)first["refreshToken"]!)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var client = app.As((string)second["accessToken"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/users/me")).StatusCode);
        await (await RefreshAsync((string)second["refreshToken"]!)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_high_s_twin_of_a_valid_signature_is_refused_and_issued_tokens_are_low_s()
    {
        var user = await app.NewUserAsync();
        Assert.True(EcdsaSignatures.IsCanonical(user.AccessToken));
        var dot = user.AccessToken.LastIndexOf('.');
        var signature = Base64Url.DecodeFromChars(user.AccessToken.AsSpan(dot + 1));
        var n = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        var high = (n - new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true)).ToByteArray(isUnsigned: true, isBigEndian: true);
        var twin = new byte[64];
        signature.AsSpan(0, 32).CopyTo(twin);
        high.CopyTo(twin, 64 - high.Length);
        var forged = user.AccessToken[..(dot + 1)] + Base64Url.EncodeToString(twin);
        using var client = app.As(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/users/me")).StatusCode);
        using var honest = user.Client();
        Assert.Equal(HttpStatusCode.OK, (await honest.GetAsync("/users/me")).StatusCode);
    }
}

public sealed class CredentialChangeTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Fact]
    public async Task A_stolen_access_token_alone_cannot_change_email_or_password()
    {
        var user = await app.NewUserAsync();
        using var thief = user.Client();
        await (await thief.PutAsJsonAsync($"/users/{user.Id}", new { email = TavoloApp.NewEmail("thief") })).AssertFieldErrorAsync("currentPassword");
        await (await thief.PutAsJsonAsync($"/users/{user.Id}", new { password = "thief-owns-it-now-1" })).AssertFieldErrorAsync("currentPassword");
        await (await thief.PutAsJsonAsync($"/users/{user.Id}", new { password = "thief-owns-it-now-1", currentPassword = "not-the-password" }))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        var me = await (await thief.GetAsync("/users/me")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(user.Email, (string)me["email"]!);
        await app.LoginAsync(user.Email, user.Password);

        // The name needs no re-authentication; the right current password does the change.
        Assert.Equal(HttpStatusCode.OK, (await thief.PutAsJsonAsync($"/users/{user.Id}", new { name = "Renamed" })).StatusCode);
        var changed = await thief.PutAsJsonAsync($"/users/{user.Id}", new { password = "a-brand-new-pass-9", currentPassword = user.Password });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await app.LoginAsync(user.Email, "a-brand-new-pass-9");
    }

    [Fact]
    public async Task Wrong_current_passwords_count_as_failed_logins()
    {
        var user = await app.NewUserAsync();
        using var client = user.Client();
        // Per account and address: 5 by default (TavoloApp raises only the per-address limit).
        for (var i = 0; i < 5; i++)
            await (await client.PutAsJsonAsync($"/users/{user.Id}", new { password = "another-pass-word-1", currentPassword = "guess-" + i })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PutAsJsonAsync($"/users/{user.Id}", new { password = "another-pass-word-1", currentPassword = user.Password })).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        using var anonymous = app.Anonymous();
        await (await anonymous.PostAsJsonAsync("/auth/login", new { email = user.Email, password = user.Password })).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task The_registration_password_rules_apply_on_update_against_the_accounts_email()
    {
        var user = await app.NewUserAsync();
        using var client = user.Client();
        var local = user.Email.Split('@')[0];
        await (await client.PutAsJsonAsync($"/users/{user.Id}", new { password = local + "-x", currentPassword = user.Password })).AssertFieldErrorAsync("password");
        await (await client.PutAsJsonAsync($"/users/{user.Id}", new { password = "password123", currentPassword = user.Password })).AssertFieldErrorAsync("password");
        await app.LoginAsync(user.Email, user.Password);
    }

    [Fact]
    public async Task An_admin_changing_another_user_needs_no_current_password()
    {
        var user = await app.NewUserAsync();
        var admin = await app.AdminAsync();
        using var client = admin.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/users/{user.Id}", new { password = "set-by-the-admin-1" })).StatusCode);
        await app.LoginAsync(user.Email, "set-by-the-admin-1");
    }
}
