using System.Net;
using Tavolo.Tests.Security;

namespace Tavolo.Tests.Platform;

/// <summary>The access line: one per request, its message as its template reads, its values named as in the template.</summary>
public sealed class AccessLineTests(LoggedApp app) : IClassFixture<LoggedApp>
{
    private const string Category = "Tavolo.Platform.RequestLogging";

    [Fact]
    public async Task Every_request_writes_one_line_with_method_path_status_time_and_user()
    {
        var user = await app.NewUserAsync();
        using var client = user.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/users/me");
        request.Headers.Add("X-Request-Id", "access-line-" + user.Id);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        using var anonymous = app.Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/no-such-route-" + user.Id)).StatusCode);

        var mine = Lines($"(user {user.Id})");
        var line = Assert.Single(mine, l => l.Contains("GET /users/me ", StringComparison.Ordinal));
        Assert.Matches(
            $@"^{Category} Information GET /users/me 200 in \d+\.\d ms \(user {user.Id}\) Method=GET Path=/users/me Status=200 ElapsedMs=[\d.E-]+ UserId={user.Id} \{{OriginalFormat\}}=\{{Method\}} \{{Path\}} \{{Status\}} in \{{ElapsedMs:0\.0\}} ms \(user \{{UserId\}}\) $",
            line);
        var unknown = Assert.Single(Lines("/no-such-route-" + user.Id));
        Assert.Contains($"GET /no-such-route-{user.Id} 404 in ", unknown, StringComparison.Ordinal);
        Assert.Contains(" ms (anonymous) ", unknown, StringComparison.Ordinal); // not the template's "(user (null))"
        Assert.DoesNotContain("(null)", unknown, StringComparison.Ordinal);
    }

    private List<string> Lines(string containing) =>
        [.. app.Log.Lines.Where(l => l.StartsWith(Category + " Information ", StringComparison.Ordinal) && l.Contains(containing, StringComparison.Ordinal))];
}
