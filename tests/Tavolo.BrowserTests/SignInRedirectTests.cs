using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tavolo.Tests.Browser;

/// <summary>
/// <c>/?next=</c> after sign-in goes only to a path of this origin (API.md, Operations): every spelling that a browser
/// would read as another host lands on the role's home page instead, and a real path of the app is still honoured.
/// </summary>
public sealed class SignInRedirectTests(LiveApp app) : IClassFixture<LiveApp>
{
    public static TheoryData<string> Elsewhere => new()
    {
        "//evil.example/", "/%5Cevil.example", "/\\evil.example", "/%09/evil.example", "/%0a/evil.example", "https://evil.example/",
        "http:evil.example", "/%2F/evil.example", "%2F%2Fevil.example", "javascript:alert(1)",
    };

    [Fact]
    public async Task Next_goes_to_a_path_of_this_origin_and_nowhere_else()
    {
        var user = await app.NewUserAsync("customer");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        using var client = app.Anonymous();
        var origin = new Uri(client.BaseAddress!.GetLeftPart(UriPartial.Authority));
        await using var context = await browser.NewContextAsync(new() { BaseURL = origin.ToString() });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/?next=" + Uri.EscapeDataString("/orders?status=PLACED"));
        var signIn = page.GetByRole(AriaRole.Form, new() { Name = "Sign in" });
        await signIn.GetByLabel("Email").FillAsync(user.Email);
        await signIn.GetByLabel("Password").FillAsync(user.Password);
        await signIn.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(origin + "orders?status=PLACED"); // a path of this site is honoured
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        foreach (var next in Elsewhere)
        {
            // Signed in on this tab: the page goes on at once, to next or to the customer's home.
            await page.GotoAsync("/?next=" + next);
            for (var i = 0; i < 100 && page.Url.Contains("next=", StringComparison.Ordinal); i++)
                await Task.Delay(100);
            var landed = new Uri(page.Url);
            Assert.True(landed.Authority == origin.Authority && landed.AbsolutePath == "/restaurants", $"next={next} went to {page.Url}");
            // Let the page's token refresh finish: leaving mid-rotation would make the next page reuse the old refresh token
            // (the reload race issue 31 is about), which signs the tab out.
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        }
        await Expect(page.GetByRole(AriaRole.Heading).First).ToBeVisibleAsync();
    }
}
