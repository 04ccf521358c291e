using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tavolo.Auth;
using Tavolo.Tests.Events;
using Tavolo.Platform;
using Tavolo.Storage.Sqlite;

namespace Tavolo.Tests.Auth;

/// <summary>
/// The bearer check's caches (signature per token, live sessions per process) never let a token through that the
/// uncached check would refuse: every revocation is seen by the very next request, expiry is exact, both are bounded.
/// </summary>
public sealed class TokenCacheTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    /// <summary>Two answered requests: the token's signature and its session are both in the caches now.</summary>
    private static async Task WarmAsync(HttpClient client)
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users/me")).StatusCode);
    }

    [Fact]
    public async Task A_cached_token_is_remembered_by_hash_and_its_session_as_live()
    {
        var user = await app.NewUserAsync();
        using var client = user.Client();
        await WarmAsync(client);
        Assert.NotNull(app.Services.GetRequiredService<ValidatedTokens>().Find(user.AccessToken));
        var live = app.Services.GetRequiredService<LiveSessions>();
        Assert.True(live.IsKnownLive((string)user.Tokens["sessionId"]!, user.Id, app.Clock.GetUtcNow().UtcDateTime));
    }

    [Fact]
    public async Task Logout_refuses_a_cached_token_at_once()
    {
        var user = await app.NewUserAsync();
        using var client = user.Client();
        await WarmAsync(client);
        using var anonymous = app.Anonymous();
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync("/auth/logout", new { refreshToken = user.RefreshToken })).StatusCode);
        await (await client.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Deleting_a_session_refuses_its_cached_token_at_once_and_leaves_the_others()
    {
        var user = await app.NewUserAsync();
        var second = await app.LoginAsync(user.Email, user.Password);
        using var client = user.Client();
        using var secondClient = app.As((string)second["accessToken"]!);
        await WarmAsync(client);
        await WarmAsync(secondClient);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/auth/sessions/{second["sessionId"]}")).StatusCode);
        await (await secondClient.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users/me")).StatusCode);
    }

    [Fact]
    public async Task Refresh_token_reuse_refuses_the_cached_access_tokens_of_the_session_at_once()
    {
        var user = await app.NewUserAsync();
        using var client = user.Client();
        await WarmAsync(client);
        using var anonymous = app.Anonymous();
        await (await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users/me")).StatusCode); // rotation alone keeps the session
        app.Clock.Advance(TimeSpan.FromSeconds(11)); // past the 10-second grace for racing refreshes: a replay is now reuse
        await (await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_role_change_and_a_user_delete_refuse_every_cached_token_of_the_user_at_once()
    {
        var admin = await app.AdminAsync();
        using var adminClient = admin.Client();
        var changed = await app.NewUserAsync();
        var deleted = await app.NewUserAsync();
        var bystander = await app.NewUserAsync();
        using var changedClient = changed.Client();
        using var deletedClient = deleted.Client();
        using var bystanderClient = bystander.Client();
        foreach (var client in new[] { changedClient, deletedClient, bystanderClient })
            await WarmAsync(client);

        Assert.Equal(HttpStatusCode.OK, (await adminClient.PutAsJsonAsync($"/users/{changed.Id}", new { role = "owner" })).StatusCode);
        await (await changedClient.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NoContent, (await adminClient.DeleteAsync($"/users/{deleted.Id}")).StatusCode);
        await (await deletedClient.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await bystanderClient.GetAsync("/users/me")).StatusCode);
    }

    [Fact]
    public async Task A_cached_token_is_refused_exactly_when_the_uncached_check_would_refuse_it()
    {
        var user = await app.NewUserAsync();
        var fresh = await SignedTokens.ForAsync(app, user, lifetime: TimeSpan.FromMinutes(2)); // never used: checked uncached
        using var cached = app.As(await SignedTokens.ForAsync(app, user, lifetime: TimeSpan.FromMinutes(2)));
        using var uncached = app.As(fresh);
        await WarmAsync(cached);

        // Tokens are accepted up to 30 s past their expiry (clock skew); one second short of that both still pass ...
        app.Clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(29));
        Assert.Equal(HttpStatusCode.OK, (await cached.GetAsync("/users/me")).StatusCode);
        // ... and two seconds later neither does (the app's clock only moves forward; later tests mint at the new time).
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        await (await cached.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await uncached.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void The_signature_cache_is_bounded_and_forgets_expired_tokens_first()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new ValidatedTokens(clock, capacity: 8);
        static ClaimsIdentity Identity(DateTimeOffset expires) => new([new Claim("exp", expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        cache.Add("short-lived", Identity(clock.GetUtcNow().AddMinutes(1)), TimeSpan.Zero);
        for (var i = 0; i < 7; i++)
            cache.Add($"token-{i}", Identity(clock.GetUtcNow().AddMinutes(15)), TimeSpan.Zero);
        Assert.Equal(8, cache.Count);
        clock.Advance(TimeSpan.FromMinutes(2));

        cache.Add("one-more", Identity(clock.GetUtcNow().AddMinutes(15)), TimeSpan.Zero);
        Assert.Null(cache.Find("short-lived"));
        Assert.NotNull(cache.Find("one-more"));
        for (var i = 0; i < 1000; i++)
            cache.Add($"flood-{i}", Identity(clock.GetUtcNow().AddMinutes(15)), TimeSpan.Zero);
        Assert.InRange(cache.Count, 1, 8);
    }

    [Fact]
    public void The_live_session_cache_is_bounded_and_never_adds_a_session_read_before_a_revocation()
    {
        var live = new LiveSessions(capacity: 4);
        var now = DateTime.UtcNow;
        Session Live(string id) => new(id, "user", now, now, now.AddDays(30), null, null);

        // A lookup read the row as live, a revocation committed and forgot it, then the lookup came back to add it.
        var before = live.Revocations;
        live.Forget("raced");
        live.Remember(Live("raced"), before);
        Assert.False(live.IsKnownLive("raced", "user", now));

        for (var i = 0; i < 100; i++)
            live.Remember(Live($"s{i}"), live.Revocations);
        Assert.InRange(live.Count, 1, 4);
        Assert.True(live.IsKnownLive("s99", "user", now));
        Assert.False(live.IsKnownLive("s99", "someone-else", now));
        Assert.False(live.IsKnownLive("s99", "user", now.AddDays(31)));
    }
}

/// <summary>On Lambda other processes revoke: every request reads the session, so a revocation made elsewhere is seen at once.</summary>
public sealed class LambdaTokenCacheTests(LambdaApp app) : IClassFixture<LambdaApp>
{
    [Fact]
    public async Task A_revocation_by_another_process_refuses_a_cached_token_at_once()
    {
        var user = await app.NewUserAsync();
        using var client = user.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users/me")).StatusCode);

        await RevokeElsewhereAsync(user);
        await (await client.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>Revokes through a store of its own on the same database, as another function instance would.</summary>
    private async Task RevokeElsewhereAsync(TestUser user)
    {
        var sessionId = (string)user.Tokens["sessionId"]!;
        var now = app.Clock.GetUtcNow().UtcDateTime;
#if AWS_BACKENDS
        var other = ActivatorUtilities.CreateInstance<Tavolo.Storage.Aws.DynamoSessionStore>(app.Services);
#else
        using var database = new SqliteDatabase(app.Services.GetRequiredService<IOptions<TavoloOptions>>());
        var other = new SqliteSessionStore(database);
#endif
        Assert.True(await other.RevokeAsync(sessionId, user.Id, now, default));
    }
}
