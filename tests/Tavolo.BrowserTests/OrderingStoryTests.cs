using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tavolo.Tests.Browser;

/// <summary>
/// The ordering story in a real Chromium, nothing reloaded: a restaurant puts two dishes on its menu and issues a
/// promo code; a customer on a phone finds it, orders both dishes with the code (a wrong code first: its reason shows
/// beside the field) and sees the discounted total; the restaurant's order board shows the order live and
/// acknowledges it; the customer's orders page shows it acknowledged live. A double click places one order.
/// Screenshots of every new page at 360 and 1280 px are written as test output.
/// </summary>
public sealed class OrderingStoryTests(LiveApp app, ITestOutputHelper output) : IClassFixture<LiveApp>
{
    private const string Password = "a-long-enough-pass-7";

    static OrderingStoryTests() => SetDefaultExpectTimeout(30_000); // CI runs them beside the AOT publish of Tavolo.Tests on 2 cores

    [Fact]
    public async Task A_customer_orders_with_a_code_and_both_sides_see_it_live()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright);
        using var anonymous = app.Anonymous();
        var origin = new Uri(anonymous.BaseAddress!.GetLeftPart(UriPartial.Authority));
        var restaurantName = $"Osteria {Guid.NewGuid().ToString("N")[..6]}";

        // The restaurant, at a desk: its menu.
        await using var restaurantContext = await browser.NewContextAsync(new() { BaseURL = origin.ToString(), ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "en-US" });
        var restaurant = new PageWatch(await restaurantContext.NewPageAsync(), origin);
        var restaurantEmail = TavoloApp.NewEmail("osteria");
        await Register(restaurant.Page, restaurantName, restaurantEmail, "Restaurant");
        await restaurant.Page.WaitForURLAsync("**/host");
        await restaurant.Page.GetByRole(AriaRole.Link, new() { Name = "Menu" }).ClickAsync();
        await restaurant.Page.WaitForURLAsync("**/menu");
        var add = restaurant.Page.GetByRole(AriaRole.Form, new() { Name = "Add a dish" });
        foreach (var (name, price, category) in new[] { ("Margherita", "12.50", "Pizza"), ("Tiramisu", "6", "Desserts"), ("Calzone", "11.00", "Pizza") })
        {
            await add.GetByLabel("Name").FillAsync(name);
            await add.GetByLabel("Price").FillAsync(price);
            await add.GetByLabel("Category").FillAsync(category);
            await add.GetByRole(AriaRole.Button, new() { Name = "Add dish" }).ClickAsync();
            await Expect(Dish(restaurant.Page, name)).ToBeVisibleAsync();
        }
        // Edit a price, mark one unavailable, delete one.
        await Dish(restaurant.Page, "Tiramisu").GetByLabel("Price").FillAsync("6.50");
        await Dish(restaurant.Page, "Tiramisu").GetByRole(AriaRole.Button, new() { Name = "Save price" }).ClickAsync();
        await Expect(Dish(restaurant.Page, "Tiramisu").GetByLabel("Price")).ToHaveValueAsync("6.50");
        await Dish(restaurant.Page, "Calzone").GetByLabel("Available").UncheckAsync();
        await Expect(Dish(restaurant.Page, "Calzone")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("unavailable"));
        await Shot(restaurant.Page, "menu");

        // The customer, on a phone; the restaurant issues it a code (by the email it signs in with).
        await using var customerContext = await browser.NewContextAsync(new() { BaseURL = origin.ToString(), ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true, Locale = "en-US" });
        var customer = new PageWatch(await customerContext.NewPageAsync(), origin);
        var customerEmail = TavoloApp.NewEmail("guest");
        await Register(customer.Page, "Giulia", customerEmail, "Customer");
        await customer.Page.WaitForURLAsync("**/restaurants");
        await customer.Page.GetByRole(AriaRole.Link, new() { Name = "Account" }).ClickAsync();
        await customer.Page.WaitForURLAsync("**/account");
        await Expect(customer.Page.Locator("#my-id")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\S")); // filled in by the page's script
        var customerNumber = (await customer.Page.Locator("#my-id").TextContentAsync())!;
        Assert.False(string.IsNullOrWhiteSpace(customerNumber));
        await Expect(customer.Page.Locator("li.session")).ToHaveCountAsync(1);
        await Expect(customer.Page.Locator("li.session")).ToContainTextAsync("This device");
        await Shot(customer.Page, "account");
        await customer.Page.GetByRole(AriaRole.Link, new() { Name = "Restaurants" }).ClickAsync();
        await customer.Page.WaitForURLAsync("**/restaurants");

        // The back office: a refused code shows its problem beside the field; then a generated 20 % code for the customer.
        await restaurant.Page.GetByRole(AriaRole.Link, new() { Name = "Promo codes" }).ClickAsync();
        await restaurant.Page.WaitForURLAsync("**/promo-codes");
        var create = restaurant.Page.GetByRole(AriaRole.Form, new() { Name = "New promo code" });
        await create.GetByLabel("Customer email").FillAsync(customerEmail);
        await create.GetByLabel("Discount (%)").FillAsync("20");
        await create.GetByLabel("Maximum uses").FillAsync("5");
        await create.GetByLabel("Description").FillAsync("Welcome");
        await create.GetByLabel("Code").FillAsync("NO");
        var before = restaurant.Errors.Count;
        await create.GetByRole(AriaRole.Button, new() { Name = "Create code" }).ClickAsync();
        await Expect(create.Locator("#create-code-error")).Not.ToBeEmptyAsync();
        Assert.Contains("status of 400", Assert.Single(restaurant.Errors.Skip(before)), StringComparison.Ordinal);
        restaurant.Errors.RemoveAt(before); // Chromium logs the refused request itself
        await create.GetByLabel("Code").FillAsync("");
        await create.GetByRole(AriaRole.Button, new() { Name = "Create code" }).ClickAsync();
        var issued = restaurant.Page.Locator("li.code", new() { HasText = "Welcome" });
        await Expect(issued).ToHaveCountAsync(1);
        await Expect(issued).ToContainTextAsync("0 of 5 used");
        await Expect(issued).ToContainTextAsync("Giulia"); // the customer by name
        var code = (await issued.Locator(".code-name").TextContentAsync())!;
        await Shot(restaurant.Page, "promo-codes");

        await customer.Page.GetByLabel("Search restaurants").FillAsync(restaurantName);
        await customer.Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(customer.Page.GetByRole(AriaRole.Link, new() { Name = restaurantName })).ToHaveCountAsync(1);
        await Shot(customer.Page, "restaurants");
        await customer.Page.GetByRole(AriaRole.Link, new() { Name = restaurantName }).ClickAsync();
        await customer.Page.WaitForURLAsync("**/restaurants/**");
        await Expect(customer.Page.GetByRole(AriaRole.Heading, new() { Name = restaurantName })).ToBeVisibleAsync();
        await Expect(Dish(customer.Page, "Calzone")).ToContainTextAsync("Unavailable");

        // The restaurant's board is open before the order exists.
        await restaurant.Page.GetByRole(AriaRole.Link, new() { Name = "Orders" }).ClickAsync();
        await restaurant.Page.WaitForURLAsync("**/orders");
        await Expect(restaurant.Page.GetByRole(AriaRole.Heading, new() { Name = "Incoming orders" })).ToBeVisibleAsync();
        await Expect(restaurant.Page.GetByText("● Live")).ToBeVisibleAsync();

        await Dish(customer.Page, "Margherita").GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Dish(customer.Page, "Tiramisu").GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        var basket = customer.Page.Locator("#lines");
        await basket.Locator("li.basket-line", new() { HasText = "Margherita" }).GetByLabel("Quantity").FillAsync("2");
        await basket.Locator("li.basket-line", new() { HasText = "Margherita" }).GetByLabel("Quantity").PressAsync("Tab");
        await basket.Locator("li.basket-line", new() { HasText = "Tiramisu" }).GetByLabel("Note").FillAsync("Extra cocoa");
        await Expect(customer.Page.Locator("#subtotal")).ToHaveTextAsync("$31.50"); // the restaurant's currency (USD by default)

        // A wrong code: its reason beside the field. Then the real one.
        await customer.Page.GetByLabel("Promo code").FillAsync("NOSUCHCODE");
        await customer.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(customer.Page.Locator("#promo-promoCode-error")).ToHaveTextAsync("No such promo code.");
        await Expect(customer.Page.GetByLabel("Promo code")).ToHaveAttributeAsync("aria-invalid", "true");
        await customer.Page.GetByLabel("Promo code").FillAsync(code.ToLowerInvariant());
        await customer.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(customer.Page.Locator("#promo-state")).ToHaveTextAsync($"{code}: 20 % off.");
        await Expect(customer.Page.Locator("#total")).ToHaveTextAsync("$25.20"); // 31.50 − 6.30
        await Shot(customer.Page, "restaurant");

        // A double click places one order, priced by the server.
        await customer.Page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).DblClickAsync();
        var placed = customer.Page.Locator("#placed");
        await Expect(placed).ToContainTextAsync("Order placed");
        await Expect(placed.Locator(".total dd")).ToHaveTextAsync("$25.20");
        await Expect(placed).ToContainTextAsync($"{code} (−20 %)");
        await Shot(customer.Page, "restaurant-placed");

        // The board shows it without a reload, and acknowledges it.
        var incoming = restaurant.Page.Locator("li.order", new() { HasText = "Margherita" });
        await Expect(incoming).ToHaveCountAsync(1);
        await Expect(incoming).ToContainTextAsync("Extra cocoa");
        await Expect(incoming).ToContainTextAsync("$25.20");
        await Expect(incoming).ToContainTextAsync("Giulia"); // who ordered

        // The customer follows it on its orders page.
        await customer.Page.GetByRole(AriaRole.Link, new() { Name = "See your orders" }).ClickAsync();
        await customer.Page.WaitForURLAsync("**/orders");
        var mine = customer.Page.Locator("li.order");
        await Expect(mine).ToHaveCountAsync(1);
        await Expect(mine).ToContainTextAsync("Placed");
        await Expect(mine).ToContainTextAsync(restaurantName);
        await Expect(mine.GetByRole(AriaRole.Button, new() { Name = "Cancel order" })).ToBeVisibleAsync();
        await Expect(customer.Page.GetByText("● Live")).ToBeVisibleAsync();
        await Shot(restaurant.Page, "orders-board");
        await Shot(customer.Page, "orders-customer");

        await incoming.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Expect(incoming).ToContainTextAsync("Acknowledged");
        await Expect(mine).ToContainTextAsync("Acknowledged");
        await Expect(mine.GetByRole(AriaRole.Button, new() { Name = "Cancel order" })).ToHaveCountAsync(0);
        await Shot(customer.Page, "orders-customer-acknowledged");
        await Shot(restaurant.Page, "orders-board-acknowledged");

        // The back office counts the use.
        await restaurant.Page.GetByRole(AriaRole.Link, new() { Name = "Promo codes" }).ClickAsync();
        await Expect(restaurant.Page.Locator("li.code", new() { HasText = code })).ToContainTextAsync("1 of 5 used");

        // One order, in spite of the double click.
        using var check = await SignedInAsync(customerEmail);
        var list = await check.GetFromJsonAsync<JsonObject>("/orders");
        Assert.Single(list!["items"]!.AsArray());

        restaurant.AssertClean();
        customer.AssertClean();
        output.WriteLine($"Screenshots: {Browsers.ScreenshotFolder}");
    }

    private static async Task Register(IPage page, string name, string email, string kind)
    {
        await page.GotoAsync("/");
        var register = page.GetByRole(AriaRole.Form, new() { Name = "Create account" });
        await register.GetByLabel("Name").FillAsync(name);
        await register.GetByLabel("Email").FillAsync(email);
        await register.GetByLabel("Password").FillAsync(Password);
        await register.GetByRole(AriaRole.Radio, new() { Name = kind }).CheckAsync();
        await register.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
    }

    private async Task<HttpClient> SignedInAsync(string email)
    {
        var tokens = await app.LoginAsync(email, Password);
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)tokens["accessToken"]!);
        return client;
    }

    private static ILocator Dish(IPage page, string name) => page.Locator("li.dish", new() { HasText = name });

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
