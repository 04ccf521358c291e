using Microsoft.Playwright;
using Tavolo.Tests.Web;
using static Microsoft.Playwright.Assertions;

namespace Tavolo.Tests.Browser;

/// <summary>Tavolo behind a proxy at <c>/Prod</c> (API Gateway's stage URL), on the real clock.</summary>
public sealed class LivePrefixedApp : PrefixedTavoloApp
{
    protected override bool UseFakeClock => false;
}

/// <summary>
/// The front-door story at a stage URL (<c>http://…/Prod/</c>): a restaurant signs up and opens a waitlist, a guest
/// checks in from the check-in link, the host notifies, the guest's page says the table is ready — and every request
/// either page makes stays under <c>/Prod</c> (the proxy answers 403 anywhere else, as API Gateway does).
/// </summary>
public sealed class PathPrefixStoryTests(LivePrefixedApp app) : IClassFixture<LivePrefixedApp>
{
    private const string Password = "a-long-enough-pass-7";

    static PathPrefixStoryTests() => SetDefaultExpectTimeout(30_000); // CI runs them beside the AOT publish of Tavolo.Tests on 2 cores

    [Fact]
    public async Task The_host_and_the_guest_story_works_at_the_stage_url()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        var origin = new Uri(app.Proxy.Origin);
        var outside = new List<string>();
        void Watch(IPage page) => page.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath is var path && !path.StartsWith(app.Proxy.Prefix + "/", StringComparison.Ordinal))
                outside.Add(request.Url);
        };

        await using var hostContext = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var host = new PageWatch(await hostContext.NewPageAsync(), origin);
        Watch(host.Page);
        await host.Page.GotoAsync(app.PublicUrl + "/");
        var register = host.Page.GetByRole(AriaRole.Form, new() { Name = "Create account" });
        await register.GetByLabel("Name").FillAsync("Osteria Prod");
        await register.GetByLabel("Email").FillAsync(TavoloApp.NewEmail("prod"));
        await register.GetByLabel("Password").FillAsync(Password);
        await register.GetByRole(AriaRole.Radio, new() { Name = "Restaurant" }).CheckAsync();
        await register.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await host.Page.WaitForURLAsync(app.PublicUrl + "/host");
        await host.Page.GetByLabel("Waitlist name").FillAsync("Stage door");
        await host.Page.GetByRole(AriaRole.Button, new() { Name = "Create waitlist" }).ClickAsync();
        await Expect(host.Page.GetByRole(AriaRole.Heading, new() { Name = "Stage door" })).ToBeVisibleAsync();
        await Expect(host.Page.GetByText("● Live")).ToBeVisibleAsync();
        await host.Page.Locator("summary", new() { HasText = "Check-in link" }).ClickAsync(); // behind its control, not above the line
        var checkIn = await host.Page.GetByRole(AriaRole.Link, new() { Name = "Check-in link" }).GetAttributeAsync("href");
        Assert.StartsWith(app.PublicUrl + "/w/", checkIn, StringComparison.Ordinal);
        var qr = host.Page.GetByRole(AriaRole.Img, new() { Name = "Check-in QR code" });
        await Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));

        await using var guestContext = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true });
        var guest = new PageWatch(await guestContext.NewPageAsync(), origin);
        Watch(guest.Page);
        await guest.Page.GotoAsync(checkIn!);
        await Expect(guest.Page.GetByRole(AriaRole.Heading, new() { Name = "Stage door" })).ToBeVisibleAsync();
        await guest.Page.GetByLabel("Name").FillAsync("Verdi");
        await guest.Page.GetByLabel("Party size").FillAsync("2");
        await guest.Page.GetByLabel("Email").FillAsync("verdi@example.com");
        await guest.Page.GetByRole(AriaRole.Button, new() { Name = "Join the line" }).ClickAsync();
        await guest.Page.WaitForURLAsync(app.PublicUrl + "/g/**");
        var status = guest.Page.GetByRole(AriaRole.Status).And(guest.Page.Locator("#status"));
        await Expect(status).ToContainTextAsync("Your place in line: 1");

        var party = host.Page.Locator("li.party", new() { HasText = "Verdi" });
        await Expect(party).ToBeVisibleAsync(); // live, through the proxy
        await party.GetByRole(AriaRole.Button, new() { Name = "Notify" }).ClickAsync();
        await Expect(status).ToContainTextAsync("Your table is ready");

        // Signing out lands on the sign-in page at the stage, not at the root.
        await host.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await host.Page.WaitForURLAsync(app.PublicUrl + "/");

        Assert.True(outside.Count == 0, "Requests left the stage's path: " + string.Join(", ", outside));
        host.AssertClean();
        guest.AssertClean();
    }
}
