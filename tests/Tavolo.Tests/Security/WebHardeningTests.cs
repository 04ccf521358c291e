using System.Net;
using System.Net.Http.Json;
using Tavolo.Web;

namespace Tavolo.Tests.Security;

/// <summary>Round-3 findings on the web side: caches keyed on Accept, Host-free links, text that is text.</summary>
public sealed class WebHardeningTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private async Task<HttpResponseMessage> GetWithAcceptAsync(string path, string accept)
    {
        using var client = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData("/restaurants")]
    [InlineData("/restaurants/")]
    [InlineData("/promo-codes")]
    public async Task A_path_shared_by_a_page_and_the_api_varies_on_accept_in_both_answers(string path)
    {
        var page = await GetWithAcceptAsync(path, "text/html,application/xhtml+xml");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", page.Headers.Vary);
        var api = await GetWithAcceptAsync(path, "application/json"); // JSON, or the API's 401 problem: a shared cache must not mix them
        Assert.NotEqual("text/html", api.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", api.Headers.Vary);
    }

    [Theory]
    [InlineData("text/html;q=0, application/json")]
    [InlineData("application/json, text/html; q=0.0")]
    [InlineData("TEXT/HTML;Q=0")]
    public async Task Html_refused_with_quality_zero_gets_the_api_not_the_page(string accept)
    {
        var response = await GetWithAcceptAsync("/restaurants", accept);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_check_in_qr_code_never_takes_its_host_from_the_request()
    {
        using var client = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/w/0190abcdef0123/qr.svg");
        request.Headers.Host = "evil.example";
        var svg = await (await client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Equal(CheckInQrCode.Svg("http://localhost:5080/w/0190abcdef0123"), svg); // Tavolo__PublicBaseUrl's local default
        Assert.NotEqual(CheckInQrCode.Svg("http://evil.example/w/0190abcdef0123"), svg);
    }

    [Theory]
    [InlineData("Ann\u0000Admin")]
    [InlineData("Ann\u001b[31m")]
    [InlineData("Ann\u007f")]
    [InlineData("Ann\u0085x")]
    public async Task Control_characters_and_broken_text_are_refused_under_the_field_and_nothing_is_stored(string name)
    {
        using var client = app.Anonymous();
        var email = TavoloApp.NewEmail();
        await (await client.PostAsJsonAsync("/auth/register", new { email, password = "a-long-enough-pass-7", name })).AssertFieldErrorAsync("name");
        await (await client.PostAsJsonAsync("/auth/login", new { email, password = "a-long-enough-pass-7" })).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        await (await staff.PostAsJsonAsync("/waitlists", new { name })).AssertFieldErrorAsync("name");
        var list = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Door" })).ReadJsonAsync(HttpStatusCode.Created);
        await (await client.PostAsJsonAsync($"/waitlists/{list["id"]}/join", new { name, partySize = 2, phone = "+14155550123" })).AssertFieldErrorAsync("name");
        var after = await (await staff.GetAsync($"/waitlists/{list["id"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)after["waitingCount"]!);
    }

    [Fact]
    public async Task Tabs_and_line_breaks_stay_allowed_where_text_runs_over_lines()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var created = await staff.PostAsJsonAsync("/waitlists", new { name = "Door", description = "Line one\nline two\twith a tab" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }
}
