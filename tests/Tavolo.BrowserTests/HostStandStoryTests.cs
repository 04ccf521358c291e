using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tavolo.Tests.Browser;

/// <summary>
/// The host stand for a real evening, in a real Chromium on a 768×1024 tablet: a line of six parties (one with a
/// 100-character name) set up through the API; the line is the first screen (four parties without scrolling); the
/// keyboard alone notifies a party and keeps its focus there; a no-show and a seat are undone with Undo; the network
/// drops (the banner says so at once, a failed Seat stays on its row) and comes back (the banner goes by itself).
/// Screenshots of /host at 360, 768 and 1280 px, none wider than its window, are written as test output.
/// </summary>
public sealed class HostStandStoryTests(LiveApp app, ITestOutputHelper output) : IClassFixture<LiveApp>
{
    static HostStandStoryTests() => SetDefaultExpectTimeout(30_000); // CI runs them beside the AOT publish of Tavolo.Tests on 2 cores

    [Fact]
    public async Task A_host_runs_a_line_of_six_by_keyboard_with_undo_and_a_dropped_connection()
    {
        var owner = await app.NewUserAsync("owner");
        var longName = ("Famiglia Esposito-Lombardi con nonna, zii, cugini e tutti gli amici del quartiere " + Guid.NewGuid().ToString("N")).PadRight(100, 'x')[..100];
        var names = new[] { "Rossi", "Bianchi", longName, "Verdi", "Gallo", "Conti" };
        using (var client = owner.Client())
        {
            var waitlist = await (await client.PostAsJsonAsync("/waitlists", new { name = "Front door" })).Content.ReadFromJsonAsync<JsonObject>();
            var id = (string)waitlist!["id"]!;
            for (var i = 0; i < names.Length; i++)
            {
                (await client.PostAsJsonAsync($"/waitlists/{id}/waitees", new
                {
                    name = names[i],
                    partySize = 2 + i,
                    phone = $"+1415555{i:D4}",
                    notes = i == 1 ? "High chair, by the window" : null,
                    quotedWaitMinutes = i == 0 ? 0 : 15 * i, // Rossi is overdue at once
                })).EnsureSuccessStatusCode();
            }
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        using var anonymous = app.Anonymous();
        var origin = new Uri(anonymous.BaseAddress!.GetLeftPart(UriPartial.Authority));
        await using var context = await browser.NewContextAsync(new() { BaseURL = origin.ToString(), ViewportSize = new() { Width = 768, Height = 1024 }, Locale = "en-US" });
        var host = new PageWatch(await context.NewPageAsync(), origin);
        var page = host.Page;
        await page.GotoAsync("/");
        var signIn = page.GetByRole(AriaRole.Form, new() { Name = "Sign in" });
        await signIn.GetByLabel("Email").FillAsync(owner.Email);
        await signIn.GetByLabel("Password").FillAsync(owner.Password);
        await signIn.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/host");
        await Expect(page.Locator("li.party")).ToHaveCountAsync(6);
        await Expect(page.GetByText("● Live")).ToBeVisibleAsync();

        // The line comes first: four whole parties in the first screen, nothing scrolled; the add form is collapsed.
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.scrollY"));
        var inView = await page.EvaluateAsync<int>("() => [...document.querySelectorAll('li.party')].filter(li => li.getBoundingClientRect().bottom <= window.innerHeight).length");
        Assert.True(inView >= 4, $"{inView} parties in the first 768×1024 screen");
        await Expect(page.GetByRole(AriaRole.Form, new() { Name = "Add a party" })).ToBeHiddenAsync();
        await Expect(Party(page, "Rossi")).ToContainTextAsync("overdue");
        await Expect(Party(page, "Bianchi")).ToContainTextAsync("High chair");
        await Expect(Party(page, longName).Locator(".name")).ToHaveAttributeAsync("title", longName);
        await Shots(page, "host-line");

        // Keyboard only: the first Tab after the page loads is the skip link; then on to "Notify Rossi"; Enter; focus stays with Rossi
        // through the action and the live updates that follow.
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to the line" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        var notifyRossi = Party(page, "Rossi").GetByRole(AriaRole.Button, new() { Name = "Notify Rossi", Exact = true });
        for (var i = 0; i < 20 && !await notifyRossi.EvaluateAsync<bool>("b => b === document.activeElement"); i++)
            await page.Keyboard.PressAsync("Tab");
        await Expect(notifyRossi).ToBeFocusedAsync();
        await Expect(notifyRossi).ToHaveTextAsync("Notify");
        await page.Keyboard.PressAsync("Enter");
        await Expect(Party(page, "Rossi")).ToContainTextAsync("Table ready");
        await Expect(Party(page, "Rossi")).ToContainTextAsync("Message sent");
        await Expect(Party(page, "Rossi").Locator(":focus")).ToHaveCountAsync(1); // Notify is done: on to Seat
        await Expect(Party(page, "Rossi").GetByRole(AriaRole.Button, new() { Name = "Seat Rossi", Exact = true })).ToBeFocusedAsync();

        // No-show (notified parties only) and Undo, by keyboard: Rossi comes back to the same place.
        await Expect(Party(page, "Bianchi").GetByRole(AriaRole.Button, new() { Name = "No-show" })).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Tab");
        await Expect(Party(page, "Rossi").GetByRole(AriaRole.Button, new() { Name = "No-show Rossi", Exact = true })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(Party(page, "Rossi")).ToHaveCountAsync(0);
        var undo = page.GetByRole(AriaRole.Button, new() { Name = "Undo" });
        await Expect(undo).ToBeFocusedAsync();
        await Shots(page, "host-undo");
        await page.Keyboard.PressAsync("Enter");
        await Expect(Party(page, "Rossi")).ToContainTextAsync("Table ready");
        await Expect(Party(page, "Rossi").Locator(".pos")).ToHaveTextAsync("1");
        await Expect(Party(page, "Rossi").Locator(":focus")).ToHaveCountAsync(1);

        // The check-in link and its QR code, one tap away.
        await page.Locator("summary", new() { HasText = "Check-in link" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Check-in QR code" })).ToBeVisibleAsync();
        Assert.Contains("/w/", await page.GetByRole(AriaRole.Link, new() { Name = "Check-in link" }).GetAttributeAsync("href"), StringComparison.Ordinal);
        await page.Locator("summary", new() { HasText = "Check-in link" }).ClickAsync();

        // Seat, then Undo.
        await Party(page, "Bianchi").GetByRole(AriaRole.Button, new() { Name = "Seat" }).ClickAsync();
        await Expect(Party(page, "Bianchi")).ToHaveCountAsync(0);
        await undo.ClickAsync();
        await Expect(Party(page, "Bianchi")).ToBeVisibleAsync();
        await Expect(Party(page, "Bianchi").Locator(".pos")).ToHaveTextAsync("2");
        await Expect(page.Locator("li.party")).ToHaveCountAsync(6);

        // The network drops: said at once, the line marked stale; a Seat that fails stays on its row.
        var before = host.Errors.Count;
        await context.SetOfflineAsync(true);
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Offline — changes are not being saved" })).ToBeVisibleAsync();
        await Expect(page.Locator("#line")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bstale\\b"));
        await Party(page, "Gallo").GetByRole(AriaRole.Button, new() { Name = "Seat" }).ClickAsync();
        await Expect(Party(page, "Gallo")).ToContainTextAsync("Seat failed");
        await Shots(page, "host-offline");

        // Back: the banner goes by itself; the failed action stays until retried, then Gallo is seated.
        await context.SetOfflineAsync(false);
        await Expect(page.Locator("#offline")).ToBeHiddenAsync();
        await Expect(page.Locator("#line")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bstale\\b"));
        await Expect(page.GetByText("● Live")).ToBeVisibleAsync();
        await Expect(Party(page, "Gallo")).ToContainTextAsync("Seat failed");
        await Party(page, "Gallo").GetByRole(AriaRole.Button, new() { Name = "Seat" }).ClickAsync();
        await Expect(Party(page, "Gallo")).ToHaveCountAsync(0);

        // Chromium logs the requests that failed while offline; nothing else may be logged.
        var offlineErrors = host.Errors.Skip(before).ToList();
        Assert.All(offlineErrors, e => Assert.Contains("ERR_INTERNET_DISCONNECTED", e, StringComparison.Ordinal));
        host.Errors.RemoveRange(before, offlineErrors.Count);
        host.AssertClean();
        output.WriteLine($"Screenshots: {Browsers.ScreenshotFolder}");
    }

    private static ILocator Party(IPage page, string name) => page.Locator("li.party", new() { HasText = name });

    /// <summary>Screenshots at 360, 768 and 1280 px, each checked to be no wider than its window; then the page's own size.</summary>
    private static async Task Shots(IPage page, string name)
    {
        var size = page.ViewportSize!;
        foreach (var (width, height) in new[] { (360, 740), (768, 1024), (1280, 800) })
        {
            await page.SetViewportSizeAsync(width, height);
            var wide = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(wide <= width, $"{name}: the page is {wide} px wide in a {width} px window");
            await page.ScreenshotAsync(new() { Path = Path.Combine(Browsers.ScreenshotFolder, $"{name}-{width}.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        }
        await page.SetViewportSizeAsync(size.Width, size.Height);
    }
}
