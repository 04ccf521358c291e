using Microsoft.Playwright;

namespace Tavolo.Tests.Browser;

/// <summary>The app on the real clock (the in-process notification consumer runs as it does in production).</summary>
public sealed class LiveApp : TavoloApp
{
    protected override bool UseFakeClock => false;
}

/// <summary>Debian's Chromium through Playwright, and what every page test checks: no other origin, no console error.</summary>
public static class Browsers
{
    public const string Chromium = "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Chromium), "Debian's chromium is not installed (apt-get install chromium; .ci/run does).");
        return await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>Where the screenshots go (test output beside the test binary).</summary>
    public static string ScreenshotFolder { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
}

/// <summary>Watches one page: requests to other origins, console errors and uncaught exceptions.</summary>
public sealed class PageWatch
{
    private readonly Uri _origin;

    public PageWatch(IPage page, Uri origin)
    {
        _origin = origin;
        Page = page;
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme.StartsWith("http", StringComparison.Ordinal)
                && url.Authority != _origin.Authority)
                Foreign.Add(request.Url);
        };
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
                Errors.Add($"console {message.Type}: {message.Text} ({page.Url})");
        };
        page.PageError += (_, error) => Errors.Add($"page error: {error} ({page.Url})");
    }

    public IPage Page { get; }

    public List<string> Foreign { get; } = [];

    public List<string> Errors { get; } = [];

    public void AssertClean()
    {
        Assert.True(Foreign.Count == 0, "Requests left the origin: " + string.Join(", ", Foreign));
        Assert.True(Errors.Count == 0, "Console errors: " + string.Join(" | ", Errors));
    }
}
