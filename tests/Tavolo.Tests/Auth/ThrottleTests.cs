using System.Net;
using System.Net.Http.Json;

namespace Tavolo.Tests.Auth;

public sealed class AccountThrottleApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:Auth:LoginMaxFailuresPerAccount"] = "3",
        ["Tavolo:Auth:LoginLockoutMinutes"] = "15",
    };
}

public sealed class AccountThrottleTests(AccountThrottleApp app) : IClassFixture<AccountThrottleApp>
{
    [Fact]
    public async Task Repeated_failures_lock_the_account_with_retry_after_until_the_window_ends()
    {
        var user = await app.NewUserAsync();
        var bystander = await app.NewUserAsync();
        using var client = app.Anonymous();
        for (var i = 0; i < 3; i++)
            await (await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "wrong-password-123" })).AssertProblemAsync(HttpStatusCode.Unauthorized);

        // Now even the right password is refused, with a hint of how long to wait.
        var locked = await client.PostAsJsonAsync("/auth/login", new { email = user.Email.ToUpperInvariant(), password = user.Password });
        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(locked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 15 * 60);

        // Other accounts from the same address are not affected.
        await app.LoginAsync(bystander.Email, bystander.Password);

        app.Clock.Advance(TimeSpan.FromMinutes(16));
        await app.LoginAsync(user.Email, user.Password);
    }

    [Fact]
    public async Task A_success_clears_the_failure_count()
    {
        var user = await app.NewUserAsync();
        using var client = app.Anonymous();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 2; i++)
                await (await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "wrong-password-123" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
            await app.LoginAsync(user.Email, user.Password);
        }
    }
}

public sealed class AddressThrottleApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:Auth:LoginMaxFailuresPerAddress"] = "5",
        ["Tavolo:RateLimits:PerAddressPerMinute"] = "8",
    };
}

public sealed class AddressThrottleTests(AddressThrottleApp app) : IClassFixture<AddressThrottleApp>
{
    [Fact]
    public async Task Failures_spread_over_many_accounts_lock_the_address_and_registration_is_rate_limited()
    {
        // Registration: 8 a minute per address; the test's own users use some of them.
        var user = await app.NewUserAsync();
        using var client = app.Anonymous();
        for (var i = 0; i < 5; i++)
            await (await client.PostAsJsonAsync("/auth/login", new { email = TavoloApp.NewEmail(), password = "guessing-password-1" })).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var locked = await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = user.Password });
        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(locked.Headers.Contains("Retry-After"));

        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await client.PostAsJsonAsync("/auth/register", new { email = TavoloApp.NewEmail(), password = "a-long-enough-pass-7", name = "R" });
            if (response.StatusCode != HttpStatusCode.Created)
                limited = response;
        }
        Assert.NotNull(limited);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.Contains("Retry-After"));
    }
}

public sealed class JoinLimitApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:RateLimits:PerAddressPerMinute"] = "3",
    };
}

public sealed class JoinLimitTests(JoinLimitApp app) : IClassFixture<JoinLimitApp>
{
    [Fact]
    public async Task Guest_check_in_is_rate_limited_per_address_and_the_refused_party_is_not_added()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var waitlist = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Busy" })).ReadJsonAsync(HttpStatusCode.Created);
        using var guest = app.Anonymous();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await guest.PostAsJsonAsync($"/waitlists/{waitlist["id"]}/join", new { name = "G" + i, partySize = 2, phone = "+14155550123" })).StatusCode);

        var refused = await guest.PostAsJsonAsync($"/waitlists/{waitlist["id"]}/join", new { name = "Extra", partySize = 2, phone = "+14155550123" });
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.Contains("Retry-After"));
        var after = await (await staff.GetAsync($"/waitlists/{waitlist["id"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, (int)after["waitingCount"]!);
    }
}
