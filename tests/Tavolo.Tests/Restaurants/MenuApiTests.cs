using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tavolo.Tests.Orders;

namespace Tavolo.Tests.Restaurants;

public sealed class MenuApiTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Fact]
    public async Task A_restaurant_adds_dishes_and_anyone_reads_its_menu_by_category_then_name()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        var post = await client.PostAsJsonAsync($"/restaurants/{owner.Id}/menu/items",
            new { name = " Tiramisu ", description = "Mascarpone", price = 6.5m, category = "Dolci" });
        var created = await post.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal($"/restaurants/{owner.Id}/menu/items/{created["id"]}", post.Headers.Location?.ToString());
        Assert.Equal("Tiramisu", (string)created["name"]!);
        Assert.True((bool)created["available"]!);
        Assert.Equal(owner.Id, (string)created["restaurantId"]!);
        await client.AddDishAsync(owner.Id, "marinara", 8m, "Pizza");
        await client.AddDishAsync(owner.Id, "Bread", 2m);
        await client.AddDishAsync(owner.Id, "Margherita", 9.5m, "pizza", available: false);
        await client.AddDishAsync(owner.Id, "Affogato", 4m, "Dolci");

        using var anonymous = app.Anonymous();
        var response = await anonymous.GetAsync($"/restaurants/{owner.Id}/menu");
        var raw = await response.Content.ReadAsStringAsync();
        var menu = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(owner.Id, (string)menu["restaurantId"]!);
        Assert.Equal("Test owner", (string)menu["restaurantName"]!);
        Assert.Equal(["Affogato", "Tiramisu", "Margherita", "marinara", "Bread"], menu["items"]!.AsArray().Select(i => (string)i!["name"]!));
        Assert.Contains("\"price\":6.50", raw, StringComparison.Ordinal); // money always has 2 places
        Assert.False(menu["items"]![4]!.AsObject().ContainsKey("category"));
        var one = await (await anonymous.GetAsync($"/restaurants/{owner.Id}/menu/items/{created["id"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(created.ToJsonString(), one.ToJsonString());
    }

    [Fact]
    public async Task A_dish_is_replaced_whole_and_deleted()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        var dish = await client.AddDishAsync(owner.Id, "Soup", 5m, "Starters", description: "Of the day");
        var url = $"/restaurants/{owner.Id}/menu/items/{dish["id"]}";
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var replaced = await (await client.PutAsJsonAsync(url, new { name = "Minestrone", price = 5.5m, available = false })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Minestrone", (string)replaced["name"]!);
        Assert.False(replaced.ContainsKey("description")); // replaced, not merged
        Assert.False(replaced.ContainsKey("category"));
        Assert.False((bool)replaced["available"]!);
        Assert.Equal((DateTime)dish["createdAt"]!, (DateTime)replaced["createdAt"]!);
        Assert.True((DateTime)replaced["updatedAt"]! > (DateTime)replaced["createdAt"]!);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(url)).StatusCode);
        await (await client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync(url)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.PutAsJsonAsync(url, new { name = "Back", price = 1m })).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_the_restaurant_and_an_admin_write_its_menu()
    {
        var restaurant = await app.NewRestaurantAsync();
        var url = $"/restaurants/{restaurant.Id}/menu/items";
        var item = $"{url}/{restaurant.MargheritaId}";
        var body = new { name = "Intruder", price = 0.01m };
        using var anonymous = app.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(url, body)).StatusCode);
        using var customer = (await app.NewUserAsync()).Client();
        // A stranger to the restaurant (a customer, another restaurant's owner): its menu's writes do not exist for it.
        await (await customer.PostAsJsonAsync(url, body)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await customer.PutAsJsonAsync(item, body)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await customer.DeleteAsync(item)).AssertProblemAsync(HttpStatusCode.NotFound);
        using var otherOwner = (await app.NewUserAsync("owner")).Client();
        await (await otherOwner.PostAsJsonAsync(url, body)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await otherOwner.PutAsJsonAsync(item, body)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await otherOwner.DeleteAsync(item)).AssertProblemAsync(HttpStatusCode.NotFound);
        var menu = await (await anonymous.GetAsync($"/restaurants/{restaurant.Id}/menu")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(["Margherita", "Tiramisu"], menu["items"]!.AsArray().Select(i => (string)i!["name"]!).Order(StringComparer.Ordinal));
        Assert.Equal(12.50m, (decimal)menu["items"]!.AsArray().Single(i => (string)i!["id"]! == restaurant.MargheritaId)!["price"]!);

        using var admin = (await app.AdminAsync()).Client();
        await admin.AddDishAsync(restaurant.Id, "By the admin", 1m);
        await (await admin.PutAsJsonAsync(item, new { name = "Margherita", price = 13m })).ReadJsonAsync(HttpStatusCode.OK);
        var customerId = (string)(await customer.GetFromJsonAsync<JsonObject>("/users/me"))!["id"]!;
        await (await admin.PostAsJsonAsync($"/restaurants/{customerId}/menu/items", body)).AssertProblemAsync(HttpStatusCode.NotFound); // not a restaurant
    }

    [Fact]
    public async Task The_menu_of_an_unknown_id_or_of_a_customer_is_not_found()
    {
        var customer = await app.NewUserAsync();
        using var anonymous = app.Anonymous();
        await (await anonymous.GetAsync("/restaurants/no-such-id/menu")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await anonymous.GetAsync($"/restaurants/{customer.Id}/menu")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await anonymous.GetAsync($"/restaurants/{customer.Id}/menu/items/nothing")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> BadItems => new()
    {
        { "{", "body" },
        { """{"price": 1}""", "name" },
        { """{"name": "", "price": 1}""", "name" },
        { """{"name": "NAME101", "price": 1}""", "name" },
        { """{"name": "A"}""", "price" },
        { """{"name": "A", "price": 0}""", "price" },
        { """{"name": "A", "price": -1}""", "price" },
        { """{"name": "A", "price": 0.335}""", "price" },
        { """{"name": "A", "price": 10000.01}""", "price" },
        { """{"name": "A", "price": 1e30}""", "price" },
        { """{"name": "A", "price": "cheap"}""", "price" },
        { """{"name": "A", "price": 1, "description": "DESC501"}""", "description" },
        { """{"name": "A", "price": 1, "category": "CAT51"}""", "category" },
        { """{"name": "A", "price": 1, "available": "yes"}""", "available" },
    };

    [Theory]
    [MemberData(nameof(BadItems))]
    public async Task Bad_items_get_a_field_error_and_change_nothing(string body, string field)
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        var json = body.Replace("NAME101", new string('n', 101), StringComparison.Ordinal).Replace("DESC501", new string('d', 501), StringComparison.Ordinal)
            .Replace("CAT51", new string('c', 51), StringComparison.Ordinal);
        await (await client.PostAsync($"/restaurants/{owner.Id}/menu/items", HttpAssertions.Json(json))).AssertFieldErrorAsync(field);
        var dish = await client.AddDishAsync(owner.Id, "Kept", 1m);
        await (await client.PutAsync($"/restaurants/{owner.Id}/menu/items/{dish["id"]}", HttpAssertions.Json(json))).AssertFieldErrorAsync(field);
        var menu = await (await client.GetAsync($"/restaurants/{owner.Id}/menu")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(dish.ToJsonString(), Assert.Single(menu["items"]!.AsArray())!.ToJsonString());
    }

    [Fact]
    public async Task The_extreme_prices_are_accepted()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        Assert.Equal(0.01m, (decimal)(await client.AddDishAsync(owner.Id, "Cheapest", 0.01m))["price"]!);
        Assert.Equal(10000m, (decimal)(await client.AddDishAsync(owner.Id, "Dearest", 10000m))["price"]!);
    }

    [Fact]
    public async Task A_menu_holds_500_items_and_racing_adds_at_the_edge_never_make_501()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        for (var batch = 0; batch < 498; batch += 50)
            await Task.WhenAll(Enumerable.Range(batch, Math.Min(50, 498 - batch)).Select(i => client.AddDishAsync(owner.Id, $"Dish {i:000}", 1m)));
        var racing = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => client.PostAsJsonAsync($"/restaurants/{owner.Id}/menu/items", new { name = "Last " + i, price = 2m })));
        Assert.Equal(2, racing.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in racing.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        var menu = await (await client.GetAsync($"/restaurants/{owner.Id}/menu")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(500, menu["items"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/restaurants/{owner.Id}/menu/items/{menu["items"]![0]!["id"]}")).StatusCode);
        await client.AddDishAsync(owner.Id, "Room again", 3m);
    }

    [Fact]
    public async Task The_directory_lists_every_owner_by_name_with_a_name_filter_and_pages()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var names = new[] { $"Trattoria {tag}", $"bistro {tag}", $"Osteria {tag}" };
        var ids = new Dictionary<string, string>();
        foreach (var name in names)
        {
            using var anonymousClient = app.Anonymous();
            var user = await (await anonymousClient.PostAsJsonAsync("/auth/register",
                new { email = TavoloApp.NewEmail(), password = "a-long-enough-pass-7", name, accountType = "owner" })).ReadJsonAsync(HttpStatusCode.Created);
            ids[name] = (string)user["id"]!;
        }
        using var anonymous = app.Anonymous();
        await (await anonymous.PostAsJsonAsync("/auth/register",
            new { email = TavoloApp.NewEmail(), password = "a-long-enough-pass-7", name = $"Diner {tag}", accountType = "customer" })).ReadJsonAsync(HttpStatusCode.Created);

        var listed = await anonymous.ListAllAsync($"/restaurants?q={tag.ToUpperInvariant()}&limit=2");
        Assert.Equal([$"bistro {tag}", $"Osteria {tag}", $"Trattoria {tag}"], listed.Select(r => (string)r["name"]!));
        Assert.Equal(ids[$"bistro {tag}"], (string)listed[0]["id"]!);
        Assert.Equal(["id", "name", "timeZone", "currency"], listed[0].Select(p => p.Key)); // the public profile
        Assert.Contains(await anonymous.ListAllAsync("/restaurants?limit=100"), r => (string)r["id"]! == ids[$"Osteria {tag}"]);

        await (await anonymous.GetAsync("/restaurants?limit=0")).AssertFieldErrorAsync("limit");
        await (await anonymous.GetAsync("/restaurants?cursor=forged")).AssertFieldErrorAsync("cursor");
        var page = await (await anonymous.GetAsync($"/restaurants?q={tag}&limit=1")).ReadJsonAsync(HttpStatusCode.OK);
        await (await anonymous.GetAsync($"/restaurants?q=other&cursor={page["nextCursor"]}")).AssertFieldErrorAsync("cursor"); // another filter's cursor
    }
}
