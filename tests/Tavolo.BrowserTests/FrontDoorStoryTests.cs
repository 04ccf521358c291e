using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tavolo.Tests.Browser;

/// <summary>
/// The whole front-door story in a real Chromium, with nothing reloaded: a restaurant signs up, opens a waitlist and
/// adds parties; a guest checks in on a phone-sized page from the check-in link; the host sees the guest appear,
/// seats the parties ahead (the guest moves to place 1) and presses Notify (the guest's page says its table is
/// ready). Screenshots of every page at 360 and 1280 px are written as test output.
/// </summary>
public sealed class FrontDoorStoryTests(LiveApp app, ITestOutputHelper output) : IClassFixture<LiveApp>
{
    private const string Password = "a-long-enough-pass-7";

    static FrontDoorStoryTests() => SetDefaultExpectTimeout(30_000); // CI runs them beside the AOT publish of Tavolo.Tests on 2 cores

    [Fact]
    public async Task A_guest_follows_the_line_live_from_check_in_to_table_ready()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        using var client = app.Anonymous();
        var origin = new Uri(client.BaseAddress!.GetLeftPart(UriPartial.Authority));

        // The restaurant, on a tablet-sized screen.
        await using var hostContext = await browser.NewContextAsync(new() { BaseURL = origin.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var host = new PageWatch(await hostContext.NewPageAsync(), origin);
        await host.Page.GotoAsync("/");
        await Shot(host.Page, "signin");
        var register = host.Page.GetByRole(AriaRole.Form, new() { Name = "Create account" });
        await register.GetByLabel("Name").FillAsync("Trattoria Da Mario");
        await register.GetByLabel("Email").FillAsync(TavoloApp.NewEmail("mario"));
        await register.GetByLabel("Password").FillAsync(Password);
        await register.GetByRole(AriaRole.Radio, new() { Name = "Restaurant" }).CheckAsync();
        await register.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await host.Page.WaitForURLAsync("**/host");

        await host.Page.GetByLabel("Waitlist name").FillAsync("Front door");
        await host.Page.GetByRole(AriaRole.Button, new() { Name = "Create waitlist" }).ClickAsync();
        await Expect(host.Page.GetByRole(AriaRole.Heading, new() { Name = "Front door" })).ToBeVisibleAsync();
        await Expect(host.Page.GetByText("● Live")).ToBeVisibleAsync();

        var add = host.Page.GetByRole(AriaRole.Form, new() { Name = "Add a party" });
        async Task AddParty(string name, string size, string? email, string? phone)
        {
            await add.GetByLabel("Name").FillAsync(name);
            await add.GetByLabel("Party size").FillAsync(size);
            if (email is not null) await add.GetByLabel("Email").FillAsync(email);
            if (phone is not null) await add.GetByLabel("Phone").FillAsync(phone);
            await add.GetByRole(AriaRole.Button, new() { Name = "Add party" }).ClickAsync();
            await Expect(Party(host.Page, name)).ToBeVisibleAsync();
        }
        await AddParty("Rossi", "4", null, "+39 333 123 4567");
        await AddParty("Bianchi", "2", "bianchi@example.com", null);

        // A bad party is refused next to the field the problem names, and nothing is added. (Chromium logs the 400
        // itself as a console error: that one line is expected, any other is not.)
        var before = host.Errors.Count;
        await add.GetByLabel("Name").FillAsync("Nobody");
        await add.GetByRole(AriaRole.Button, new() { Name = "Add party" }).ClickAsync();
        await Expect(add.Locator("#add-email-error")).ToContainTextAsync("email or a phone");
        await Expect(add.GetByLabel("Email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Party(host.Page, "Nobody")).ToHaveCountAsync(0);
        Assert.Contains("status of 400", Assert.Single(host.Errors.Skip(before)), StringComparison.Ordinal);
        host.Errors.RemoveAt(before);
        await add.GetByLabel("Phone").FillAsync("+14155550100");
        await add.GetByRole(AriaRole.Button, new() { Name = "Add party" }).ClickAsync();
        await Expect(Party(host.Page, "Nobody")).ToBeVisibleAsync();
        await Expect(add.Locator("#add-email-error")).ToBeEmptyAsync();
        await Party(host.Page, "Nobody").GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync(); // one tap, undoable
        await Expect(Party(host.Page, "Nobody")).ToHaveCountAsync(0);

        await host.Page.Locator("summary", new() { HasText = "Check-in link" }).ClickAsync(); // behind its control, not above the line
        var checkIn = await host.Page.GetByRole(AriaRole.Link, new() { Name = "Check-in link" }).GetAttributeAsync("href");
        Assert.StartsWith(origin.ToString().TrimEnd('/') + "/w/", checkIn, StringComparison.Ordinal);
        await Expect(host.Page.GetByRole(AriaRole.Img, new() { Name = "Check-in QR code" })).ToBeVisibleAsync();
        Assert.True(await host.Page.GetByRole(AriaRole.Img, new() { Name = "Check-in QR code" }).EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));

        // The guest, on a 360-px phone, from the check-in link.
        await using var guestContext = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true });
        var guest = new PageWatch(await guestContext.NewPageAsync(), origin);
        await guest.Page.GotoAsync(checkIn!);
        await Expect(guest.Page.GetByRole(AriaRole.Heading, new() { Name = "Front door" })).ToBeVisibleAsync();
        await Expect(guest.Page.Locator("#waiting")).ToHaveTextAsync("2 parties");
        await Shot(guest.Page, "checkin");
        await guest.Page.GetByLabel("Name").FillAsync("Verdi");
        await guest.Page.GetByLabel("Party size").FillAsync("3");
        await guest.Page.GetByLabel("Email").FillAsync("verdi@example.com");
        await guest.Page.GetByRole(AriaRole.Button, new() { Name = "Join the line" }).ClickAsync();
        await guest.Page.WaitForURLAsync("**/g/**");
        var status = guest.Page.GetByRole(AriaRole.Status).And(guest.Page.Locator("#status"));
        await Expect(status).ToContainTextAsync("Your place in line: 3");
        await Shot(guest.Page, "guest-waiting");

        // The host sees the guest arrive without a reload; seating the two ahead moves the guest to place 1.
        await Expect(Party(host.Page, "Verdi")).ToBeVisibleAsync();
        await Shot(host.Page, "host");
        await Party(host.Page, "Rossi").GetByRole(AriaRole.Button, new() { Name = "Seat" }).ClickAsync();
        await Expect(status).ToContainTextAsync("Your place in line: 2");
        await Party(host.Page, "Bianchi").GetByRole(AriaRole.Button, new() { Name = "Seat" }).ClickAsync();
        await Expect(status).ToContainTextAsync("Your place in line: 1");
        await Expect(Party(host.Page, "Rossi")).ToHaveCountAsync(0);

        // Notify: the in-process consumer sends it, and the guest's page says so at once.
        await Party(host.Page, "Verdi").GetByRole(AriaRole.Button, new() { Name = "Notify" }).ClickAsync();
        await Expect(status).ToContainTextAsync("Your table is ready");
        await Expect(Party(host.Page, "Verdi")).ToContainTextAsync("Table ready");
        await Expect(Party(host.Page, "Verdi")).ToContainTextAsync("Message sent");
        await Shot(guest.Page, "guest-ready");
        await Shot(host.Page, "host-notified");

        // The guest leaves the line, after confirming; the host's line empties without a reload.
        await guest.Page.GetByRole(AriaRole.Button, new() { Name = "Leave the line" }).ClickAsync();
        await guest.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Yes, leave" }).ClickAsync();
        await Expect(status).ToContainTextAsync("You left the line");
        await Expect(guest.Page.GetByRole(AriaRole.Button, new() { Name = "Leave the line" })).ToBeHiddenAsync();
        await Expect(Party(host.Page, "Verdi")).ToHaveCountAsync(0);
        await Shot(guest.Page, "guest-left");

        // Closed: the check-in page says so and offers no form.
        await host.Page.GetByRole(AriaRole.Button, new() { Name = "Close waitlist" }).ClickAsync();
        await Expect(host.Page.GetByRole(AriaRole.Button, new() { Name = "Open waitlist" })).ToBeVisibleAsync();
        var closed = new PageWatch(await guestContext.NewPageAsync(), origin);
        await closed.Page.GotoAsync(checkIn!);
        await Expect(closed.Page.GetByText("The waitlist is closed right now")).ToBeVisibleAsync();
        await Expect(closed.Page.GetByRole(AriaRole.Button, new() { Name = "Join the line" })).ToHaveCountAsync(0);
        await Shot(closed.Page, "checkin-closed");

        host.AssertClean();
        guest.AssertClean();
        closed.AssertClean();
        output.WriteLine($"Screenshots: {Browsers.ScreenshotFolder}");
        Console.WriteLine($"Screenshots: {Browsers.ScreenshotFolder}");
    }

    private static ILocator Party(IPage page, string name) => page.Locator("li.party", new() { HasText = name });

    /// <summary>A full-page screenshot at phone and desktop width, then back to the page's own size.</summary>
    private static async Task Shot(IPage page, string name)
    {
        var size = page.ViewportSize!;
        foreach (var width in new[] { 360, 1280 })
        {
            await page.SetViewportSizeAsync(width, width == 360 ? 740 : 900);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Browsers.ScreenshotFolder, $"{name}-{width}.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        }
        await page.SetViewportSizeAsync(size.Width, size.Height);
    }
}
