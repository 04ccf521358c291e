using Microsoft.Playwright;

namespace Tavolo.Tests.Browser;

/// <summary>
/// The interactive API reference at /docs in a real Chromium: it renders Tavolo's own OpenAPI document, and every
/// request the page makes stays on Tavolo's host (the reference is served locally, no CDN).
/// </summary>
public sealed class DocsPageTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_docs_page_renders_the_api_from_this_server_only()
    {
        Assert.True(File.Exists(Chromium), "Debian's chromium is not installed (apt-get install chromium; .ci/run does).");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        using var client = app.Anonymous(); // its base address is the real Kestrel address on 127.0.0.1
        var origin = new Uri(client.BaseAddress!.GetLeftPart(UriPartial.Authority));
        var foreign = new List<string>();
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme.StartsWith("http", StringComparison.Ordinal) && url.Authority != origin.Authority)
                foreign.Add(request.Url);
        };

        var log = new List<string>();
        page.Console += (_, message) => log.Add("console " + message.Type + ": " + message.Text);
        page.Response += (_, r) => log.Add($"{r.Status} {r.Url}");
        page.RequestFailed += (_, r) => log.Add($"FAILED {r.Url} {r.Failure}");
        var response = await page.GotoAsync(new Uri(origin, "/docs").ToString());
        Assert.Equal(200, response!.Status);
        // Under a policy with no inline script (the page starts the reference from a module), and nothing it needs is refused.
        var csp = await response.HeaderValueAsync("content-security-policy");
        Assert.NotNull(csp);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", await response.TextAsync());
        // The page fetched /openapi/v1.json and rendered it: the title and an operation summary from the code.
        Assert.Equal("Tavolo API", await page.TitleAsync());
        try
        {
            await page.GetByText("Orders", new() { Exact = true }).First.WaitForAsync(new() { Timeout = 30_000 });
            await page.GetByText("Orders", new() { Exact = true }).First.ClickAsync(); // open the tag: its operations, by their summaries
            await page.GetByText("Place an order", new() { Exact = false }).First.WaitForAsync(new() { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            var text = await page.InnerTextAsync("body");
            throw new Xunit.Sdk.XunitException($"The reference did not render. Requests and console: {string.Join(" | ", log)}. Page text: {text[..Math.Min(2000, text.Length)]}");
        }
        Assert.Empty(foreign);
        Assert.DoesNotContain(log, line => line.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }
}
