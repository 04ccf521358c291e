using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tavolo.Web;
using static Tavolo.Tests.Waitlists.WaitlistSteps;

namespace Tavolo.Tests.Web;

/// <summary>The pages and assets out of the binary, their security headers, the QR code, and the polling fallback's 304s.</summary>
public sealed class WebTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Theory]
    [InlineData("/", "/app/js/signin.js")]
    [InlineData("/host", "/app/js/host.js")]
    [InlineData("/w/0190abcdef", "/app/js/checkin.js")]
    [InlineData("/g/some-guest-token", "/app/js/guest.js")]
    public async Task Every_page_serves_its_shell_under_a_strict_content_security_policy(string path, string module)
    {
        using var client = app.Anonymous();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<script type=\"module\" src=\"{module}\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", html); // no inline script
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", html); // nothing from another origin
    }

    [Fact]
    public async Task Every_embedded_asset_is_served_with_its_type_and_a_304_when_unchanged()
    {
        var assets = new WebAssets();
        Assert.Contains(assets.All, a => a.Name == "app.css");
        Assert.Contains(assets.All, a => a.Name == "js/api.js");
        using var client = app.Anonymous();
        foreach (var asset in assets.All)
        {
            var response = await client.GetAsync("/app/" + asset.Name);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(asset.Content, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(asset.ContentType.Split(';')[0], response.Content.Headers.ContentType?.MediaType);
            using var again = new HttpRequestMessage(HttpMethod.Get, "/app/" + asset.Name);
            again.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(response.Headers.ETag!.ToString()));
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/app/nothing.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/app/../Tavolo.dll")).StatusCode);
    }

    [Fact]
    public async Task The_check_in_qr_code_is_an_svg_of_the_check_in_link()
    {
        using var client = app.Anonymous();
        var response = await client.GetAsync("/w/0190abcdef0123/qr.svg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var svg = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"", svg, StringComparison.Ordinal);
        Assert.Matches(@"d=""(M\d+ \d+h\d+v1h-\d+z)+""", svg);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/w/" + new string('a', 65) + "/qr.svg")).StatusCode);
    }

    [Fact]
    public async Task The_public_view_of_a_waitlist_tells_how_many_wait_and_the_estimate_and_nothing_about_them()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        await AddAsync(staff, id, "Rossi");
        await AddAsync(staff, id, "Bianchi");
        using var anonymous = app.Anonymous();
        var view = await (await anonymous.GetAsync($"/waitlists/{id}/public")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(["id", "name", "isOpen", "waitingCount", "estimatedWaitMinutes"], view.Select(p => p.Key));
        Assert.Equal(2, (int)view["waitingCount"]!);
        Assert.Equal(20, (int)view["estimatedWaitMinutes"]!); // the default 10 minutes per party, two ahead
        await (await anonymous.GetAsync("/waitlists/nope/public")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_poll_of_the_guest_view_or_the_line_that_names_the_current_etag_is_a_304_until_something_changes()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        var ahead = await AddAsync(staff, id, "Rossi");
        var guest = await AddAsync(staff, id, "Verdi");
        using var anonymous = app.Anonymous();
        foreach (var (client, path) in new[] { (anonymous, $"/guest/{guest["guestToken"]}"), (staff, $"/waitlists/{id}/waitees") })
        {
            var first = await client.GetAsync(path);
            var body = await first.ReadJsonAsync(HttpStatusCode.OK);
            var tag = first.Headers.ETag!;
            Assert.False(tag.IsWeak);
            using var poll = new HttpRequestMessage(HttpMethod.Get, path);
            poll.Headers.IfNoneMatch.Add(tag);
            var unchanged = await client.SendAsync(poll);
            Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
            Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
            Assert.NotNull(body);
        }

        await SeatAsync(staff, id, ahead);
        foreach (var (client, path) in new[] { (anonymous, $"/guest/{guest["guestToken"]}") })
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, path);
            poll.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse("\"stale\""));
            var changed = await (await client.SendAsync(poll)).ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(1, (int)changed["position"]!);
        }
        // A 404 carries no ETag, and a bad query is still a 400.
        Assert.Null((await anonymous.GetAsync("/guest/nope")).Headers.ETag);
        await (await staff.GetAsync($"/waitlists/{id}/waitees?limit=0")).AssertFieldErrorAsync("limit");
    }
}
