using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tavolo.Tests.Browser;

/// <summary>
/// Restaurants with staff, in a real Chromium: an owner (a 100-character name) opens a waitlist and invites a host on
/// /team; the host opens the link in a browser of its own, creates the account with the invited email, accepts, and
/// runs the owner's line at /host (no Create waitlist for a HOST); the owner makes the host KITCHEN and the person's
/// navigation offers Orders, not Waitlists. The last owner cannot be demoted (a 409 said in the row); a used link says
/// it is no longer valid. And a person working at two restaurants switches between them with the header's
/// "Restaurant" control. Screenshots of /team and /invite/{token} at 360 and 1280 px are written as test output.
/// </summary>
public sealed class TeamStoryTests(LiveApp app, ITestOutputHelper output) : IClassFixture<LiveApp>
{
    private const string Password = "a-long-enough-pass-7";

    static TeamStoryTests() => SetDefaultExpectTimeout(30_000); // CI runs them beside the AOT publish of Tavolo.Tests on 2 cores

    [Fact]
    public async Task An_owner_invites_a_host_who_runs_the_line_then_works_in_the_kitchen()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        using var anonymous = app.Anonymous();
        var origin = new Uri(anonymous.BaseAddress!.GetLeftPart(UriPartial.Authority));
        // The first restaurant is named after the owner: 100 characters, to see it wrap (or truncate) everywhere.
        var restaurantName = ("Trattoria " + Guid.NewGuid().ToString("N")[..6] + " della Nonna Maria e dei suoi nipoti al porto vecchio di Genova sul mare blu").PadRight(100, 'a')[..100];

        await using var ownerContext = await browser.NewContextAsync(new() { BaseURL = origin.ToString(), ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "en-US" });
        var owner = new PageWatch(await ownerContext.NewPageAsync(), origin);
        await owner.Page.GotoAsync("/");
        var register = owner.Page.GetByRole(AriaRole.Form, new() { Name = "Create account" });
        await register.GetByLabel("Name").FillAsync(restaurantName);
        await register.GetByLabel("Email").FillAsync(TavoloApp.NewEmail("owner"));
        await register.GetByLabel("Password").FillAsync(Password);
        await register.GetByRole(AriaRole.Radio, new() { Name = "Restaurant" }).CheckAsync();
        await register.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await owner.Page.WaitForURLAsync("**/host");
        await Expect(owner.Page.Locator(".workplace")).ToHaveAttributeAsync("title", restaurantName); // the current restaurant, whole
        await owner.Page.GetByLabel("Waitlist name").FillAsync("Front door");
        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "Create waitlist" }).ClickAsync();
        await Expect(owner.Page.GetByRole(AriaRole.Heading, new() { Name = "Front door" })).ToBeVisibleAsync();

        // /team: the profile, the owner alone, then an invitation for a host.
        await owner.Page.GetByRole(AriaRole.Link, new() { Name = "Team" }).ClickAsync();
        await owner.Page.WaitForURLAsync("**/team");
        var profile = owner.Page.GetByRole(AriaRole.Form, new() { Name = "Restaurant profile" });
        await Expect(profile.GetByLabel("Name")).ToHaveValueAsync(restaurantName);
        await Expect(profile.GetByLabel("Currency")).ToHaveValueAsync("USD");
        await Expect(owner.Page.Locator("#people > li")).ToHaveCountAsync(1);

        // A bad profile is refused beside the field it names.
        var before = owner.Errors.Count;
        await profile.GetByLabel("Time zone").FillAsync("Mars/Olympus_Mons");
        await profile.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(profile.Locator("#profile-timeZone-error")).Not.ToBeEmptyAsync();
        await Expect(profile.GetByLabel("Time zone")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Contains("status of 400", Assert.Single(owner.Errors.Skip(before)), StringComparison.Ordinal);
        owner.Errors.RemoveAt(before); // Chromium logs the refused request itself
        await profile.GetByLabel("Time zone").FillAsync("Europe/Rome");
        await profile.GetByLabel("Currency").FillAsync("eur");
        await profile.GetByLabel("Address").FillAsync("Via del Porto 1, Genova");
        await profile.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(profile.GetByLabel("Currency")).ToHaveValueAsync("EUR");
        await Expect(profile.Locator("#profile-timeZone-error")).ToBeEmptyAsync();

        var hostEmail = TavoloApp.NewEmail("sara");
        var invite = owner.Page.GetByRole(AriaRole.Form, new() { Name = "Invite someone" });
        await invite.GetByLabel("Email").FillAsync(hostEmail);
        await invite.GetByLabel("Role").SelectOptionAsync(new SelectOptionValue { Label = "Host" });
        await invite.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync();
        var link = owner.Page.GetByLabel("Invitation link");
        await Expect(link).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/invite/[A-Za-z0-9_-]{20,}$"));
        var acceptPath = new Uri((await link.InputValueAsync())!).AbsolutePath; // the API's link is on Tavolo__PublicBaseUrl; here, this origin
        await Expect(owner.Page.Locator("#invitations > li", new() { HasText = hostEmail })).ToContainTextAsync("Host");
        await Shot(owner.Page, "team-invited");

        // The host, on a phone of its own: the invitation, the account, Accept.
        await using var hostContext = await browser.NewContextAsync(new() { BaseURL = origin.ToString(), ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true, Locale = "en-US" });
        var host = new PageWatch(await hostContext.NewPageAsync(), origin);
        await host.Page.GotoAsync(acceptPath);
        await Expect(host.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"You are invited to {restaurantName} as Host ({hostEmail})");
        await Shot(host.Page, "invite");
        var create = host.Page.GetByRole(AriaRole.Form, new() { Name = "Create account" });
        await Expect(create.GetByLabel("Email")).ToHaveValueAsync(hostEmail);
        await create.GetByLabel("Name").FillAsync("Sara");
        await create.GetByLabel("Password").FillAsync(Password);
        await create.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        var accept = host.Page.GetByRole(AriaRole.Button, new() { Name = "Accept invitation" });
        await Expect(accept).ToBeVisibleAsync();
        await Shot(host.Page, "invite-signed-in");
        await accept.ClickAsync();
        await host.Page.WaitForURLAsync("**/host");
        await Expect(host.Page.GetByRole(AriaRole.Heading, new() { Name = "Front door" })).ToBeVisibleAsync(); // the owner's waitlist
        await Expect(host.Page.GetByRole(AriaRole.Button, new() { Name = "Create waitlist" })).ToBeHiddenAsync(); // a HOST runs lines, not creates them
        var nav = host.Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Waitlists" })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Orders" })).ToHaveCountAsync(0);
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Team" })).ToHaveCountAsync(0);
        var add = host.Page.GetByRole(AriaRole.Form, new() { Name = "Add a party" });
        await add.GetByLabel("Name").FillAsync("Rossi");
        await add.GetByLabel("Phone").FillAsync("+393331234567");
        await add.GetByRole(AriaRole.Button, new() { Name = "Add party" }).ClickAsync();
        await Expect(host.Page.Locator("li.party", new() { HasText = "Rossi" })).ToBeVisibleAsync();

        // The link works once.
        var used = new PageWatch(await hostContext.NewPageAsync(), origin);
        await used.Page.GotoAsync(acceptPath);
        await Expect(used.Page.GetByText("This invitation is no longer valid")).ToBeVisibleAsync();
        await Shot(used.Page, "invite-gone");

        // The owner's /team: Sara as Host; the last owner cannot step down (409, said in the row, nothing changed).
        await owner.Page.ReloadAsync();
        var sara = owner.Page.GetByRole(AriaRole.Form, new() { Name = "Sara" });
        await Expect(sara.GetByLabel("Role")).ToHaveValueAsync("HOST");
        await Expect(owner.Page.Locator("#invitations > li")).ToHaveCountAsync(0);
        var me = owner.Page.GetByRole(AriaRole.Form, new() { Name = restaurantName });
        before = owner.Errors.Count;
        await me.GetByLabel("Role").SelectOptionAsync("MANAGER");
        await Expect(me.Locator(".form-error")).ToContainTextAsync("OWNER");
        await Expect(me.GetByLabel("Role")).ToHaveValueAsync("OWNER");
        Assert.Contains("status of 409", Assert.Single(owner.Errors.Skip(before)), StringComparison.Ordinal);
        owner.Errors.RemoveAt(before);
        await Shot(owner.Page, "team");

        // Kitchen: the person's navigation offers the order board, not the waitlists.
        await sara.GetByLabel("Role").SelectOptionAsync(new SelectOptionValue { Label = "Kitchen" });
        await Expect(owner.Page.Locator("#notice")).ToContainTextAsync("Sara is now Kitchen");
        await host.Page.GotoAsync("/");
        await host.Page.WaitForURLAsync("**/orders");
        await Expect(host.Page.GetByRole(AriaRole.Heading, new() { Name = "Incoming orders" })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Orders" })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Waitlists" })).ToHaveCountAsync(0);
        await host.Page.GotoAsync("/host"); // not for the kitchen: back to the board
        await host.Page.WaitForURLAsync("**/orders");

        owner.AssertClean();
        host.AssertClean();
        Assert.Contains("status of 404", Assert.Single(used.Errors), StringComparison.Ordinal); // the used link's refused look-up
        output.WriteLine($"Screenshots: {Browsers.ScreenshotFolder}");
    }

    [Fact]
    public async Task A_person_at_two_restaurants_switches_between_them_in_the_header()
    {
        // Two restaurants (each its owner's first), and a person each owner invited as HOST, set up through the API.
        var person = await app.NewUserAsync("customer");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        foreach (var (site, waitlist) in new[] { ($"Alpha {suffix}", "Alpha door"), ($"Beta {suffix}", "Beta door") })
        {
            var owner = await app.NewUserAsync("owner");
            using var client = owner.Client();
            (await client.PutAsJsonAsync($"/restaurants/{owner.Id}", new { name = site })).EnsureSuccessStatusCode();
            (await client.PostAsJsonAsync("/waitlists", new { name = waitlist })).EnsureSuccessStatusCode();
            var invitation = await (await client.PostAsJsonAsync($"/restaurants/{owner.Id}/invitations", new { email = person.Email, role = "HOST" }))
                .Content.ReadFromJsonAsync<JsonObject>();
            using var mine = person.Client();
            (await mine.PostAsync($"/invitations/{(string)invitation!["token"]!}/accept", null)).EnsureSuccessStatusCode();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        using var anonymous = app.Anonymous();
        var origin = new Uri(anonymous.BaseAddress!.GetLeftPart(UriPartial.Authority));
        await using var context = await browser.NewContextAsync(new() { BaseURL = origin.ToString(), ViewportSize = new() { Width = 360, Height = 740 }, Locale = "en-US" });
        var page = new PageWatch(await context.NewPageAsync(), origin);
        await page.Page.GotoAsync("/");
        var signIn = page.Page.GetByRole(AriaRole.Form, new() { Name = "Sign in" });
        await signIn.GetByLabel("Email").FillAsync(person.Email);
        await signIn.GetByLabel("Password").FillAsync(person.Password);
        await signIn.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Page.WaitForURLAsync("**/host"); // a customer account that works somewhere goes to the front door

        var lists = page.Page.Locator("#lists");
        var restaurant = page.Page.GetByRole(AriaRole.Combobox, new() { Name = "Restaurant", Exact = true });
        await Expect(restaurant).ToBeVisibleAsync();
        await Expect(restaurant.Locator("option:checked")).ToHaveTextAsync($"Alpha {suffix}"); // the first by name
        await Expect(lists).ToContainTextAsync("Alpha door");
        await Expect(lists).Not.ToContainTextAsync("Beta door");
        await Shot(page.Page, "host-two-restaurants");

        await restaurant.SelectOptionAsync(new SelectOptionValue { Label = $"Beta {suffix}" });
        await Expect(lists).ToContainTextAsync("Beta door");
        await Expect(lists).Not.ToContainTextAsync("Alpha door");
        await Expect(page.Page.GetByRole(AriaRole.Heading, new() { Name = "Beta door" })).ToBeVisibleAsync();

        // Remembered on this device.
        await page.Page.ReloadAsync();
        await Expect(page.Page.GetByRole(AriaRole.Heading, new() { Name = "Beta door" })).ToBeVisibleAsync();
        await Expect(restaurant.Locator("option:checked")).ToHaveTextAsync($"Beta {suffix}");
        page.AssertClean();
    }

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
