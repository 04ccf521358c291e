using System.Net;
using System.Net.Http.Json;

namespace Tavolo.Tests.Security;

/// <summary>Tight limits, and 127.0.0.1 (the test client) as a trusted proxy, so X-Forwarded-For stands for many clients.</summary>
public sealed class ProxiedThrottleApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:Http:TrustedProxies"] = "127.0.0.1, ::1",
        ["Tavolo:RateLimits:PerAddressPerMinute"] = "3",
        ["Tavolo:Auth:LoginMaxFailuresPerAccount"] = "3",
        ["Tavolo:Auth:LoginMaxFailuresPerAddress"] = "6",
    };
}

public sealed class ThrottleAttackTests(ProxiedThrottleApp app) : IClassFixture<ProxiedThrottleApp>
{
    private static int _next = 1;

    private static string NewAddress() => $"203.0.113.{Interlocked.Increment(ref _next)}";

    private HttpClient From(string address)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    private static object Registration() => new { email = TavoloApp.NewEmail(), password = "a-long-enough-pass-7", name = "R" };

    [Theory]
    [InlineData("/AUTH/register")]
    [InlineData("/auth/Register")]
    [InlineData("/auth/register/")]
    public async Task Another_spelling_of_the_path_shares_the_registration_budget(string spelling)
    {
        using var client = From(NewAddress());
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/auth/register", Registration())).StatusCode);
        await (await client.PostAsJsonAsync(spelling, Registration())).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        await (await client.PostAsJsonAsync("/auth/register", Registration())).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Join_spellings_share_one_budget_and_the_refused_parties_are_not_added()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var list = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Door" })).ReadJsonAsync(HttpStatusCode.Created);
        using var guest = From(NewAddress());
        var id = (string)list["id"]!;
        var paths = new[] { $"/waitlists/{id}/join", $"/WAITLISTS/{id}/join", $"/waitlists/{id}/JOIN/", $"/waitlists/{id}/join", $"/Waitlists/{id}/Join" };
        var statuses = new List<HttpStatusCode>();
        foreach (var path in paths)
            statuses.Add((await guest.PostAsJsonAsync(path, new { name = "Visit http://evil.example", partySize = 2, phone = "+14155550123" })).StatusCode);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var after = await (await staff.GetAsync($"/waitlists/{id}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, (int)after["waitingCount"]!);
    }

    [Fact]
    public async Task An_attackers_failures_never_lock_the_owner_out_from_its_own_address()
    {
        var victim = await app.NewUserAsync();
        using var attacker = From(NewAddress());
        for (var i = 0; i < 3; i++)
            await (await attacker.PostAsJsonAsync("/auth/login", new { email = victim.Email, password = "guess-guess-guess" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await attacker.PostAsJsonAsync("/auth/login", new { email = victim.Email, password = victim.Password })).AssertProblemAsync(HttpStatusCode.TooManyRequests);

        using var owner = From(NewAddress());
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsJsonAsync("/auth/login", new { email = victim.Email, password = victim.Password })).StatusCode);
    }

    [Fact]
    public async Task Logins_sent_side_by_side_test_no_more_passwords_than_the_limit()
    {
        // The check and the count are one step: of 100 guesses sent at once, exactly the limit (3) reach the password check.
        var email = TavoloApp.NewEmail("victim");
        using (var registrar = From(NewAddress())) // the class's registration budget from 127.0.0.1 is the other tests'
            Assert.Equal(HttpStatusCode.Created, (await registrar.PostAsJsonAsync("/auth/register", new { email, password = "a-long-enough-pass-7", name = "V" })).StatusCode);
        var address = NewAddress();
        var guesses = Enumerable.Range(0, 100).Select(async i =>
        {
            using var client = From(address);
            return (await client.PostAsJsonAsync("/auth/login", new { email, password = $"guess-{i}-guess-guess" })).StatusCode;
        });
        var statuses = await Task.WhenAll(guesses);
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(97, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task One_address_guessing_over_many_accounts_is_stopped_and_others_are_not()
    {
        var user = await app.NewUserAsync();
        using var sprayer = From(NewAddress());
        for (var i = 0; i < 6; i++)
            await (await sprayer.PostAsJsonAsync("/auth/login", new { email = TavoloApp.NewEmail(), password = "guess-guess-guess" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var locked = await sprayer.PostAsJsonAsync("/auth/login", new { email = user.Email, password = user.Password });
        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(locked.Headers.Contains("Retry-After"));
        using var other = From(NewAddress());
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync("/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
    }
}

/// <summary>No trusted proxy: a client's own X-Forwarded-For must change nothing.</summary>
public sealed class UntrustedForwardingApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:RateLimits:PerAddressPerMinute"] = "2",
        ["Tavolo:Auth:LoginMaxFailuresPerAccount"] = "2",
    };
}

public sealed class UntrustedForwardingTests(UntrustedForwardingApp app) : IClassFixture<UntrustedForwardingApp>
{
    [Fact]
    public async Task Forwarded_for_from_an_untrusted_peer_is_ignored_by_rate_limits_and_throttling()
    {
        var user = await app.NewUserAsync();
        using var client = app.Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login") { Content = JsonContent.Create(new { email = user.Email, password = "guess-guess-guess" }) };
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }
}

/// <summary>Hosted on Lambda: the Web Adapter's peer is always 127.0.0.1; the client is API Gateway's sourceIp.</summary>
public sealed class LambdaAddressApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:Hosting"] = "lambda",
        ["Tavolo:Auth:LoginMaxFailuresPerAccount"] = "2",
    };
}

public sealed class LambdaAddressTests(LambdaAddressApp app) : IClassFixture<LambdaAddressApp>
{
    private async Task<HttpStatusCode> LoginAsync(string email, string password, string requestContext)
    {
        using var client = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("x-amzn-request-context", requestContext);
        return (await client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Each_source_ip_of_the_request_context_is_its_own_client()
    {
        var user = await app.NewUserAsync();
        const string attacker = """{"requestId":"r1","identity":{"sourceIp":"192.0.2.10"}}""";
        const string owner = """{"requestId":"r2","http":{"method":"POST","sourceIp":"192.0.2.77"}}""";
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(user.Email, "guess-guess-guess", attacker));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(user.Email, "guess-guess-guess", attacker));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(user.Email, user.Password, attacker));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(user.Email, user.Password, owner));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"identity":{"sourceIp":"not-an-ip"}}""")]
    [InlineData("[1,2]")]
    public void A_missing_or_broken_request_context_gives_no_address(string json) =>
        Assert.Null(Tavolo.Platform.ClientAddress.FromLambdaRequestContext(json));
}
