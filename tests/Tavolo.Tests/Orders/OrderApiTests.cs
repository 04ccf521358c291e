using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

using Tavolo.Tests.Restaurants;

namespace Tavolo.Tests.Orders;

public sealed class OrderApiTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Fact]
    public async Task A_customer_places_an_order_and_the_server_prices_it()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var orderId = Guid.NewGuid().ToString();
        var response = await client.PostAsJsonAsync("/orders", new
        {
            orderId,
            restaurantId = restaurant.Id,
            items = new object[]
            {
                new { menuItemId = restaurant.MargheritaId, quantity = 2, name = "Free pizza", unitPrice = 0.01m, note = "  well done " },
                new { menuItemId = restaurant.TiramisuId, quantity = 1, unitPrice = 0m },
            },
            subtotal = 0.01m, total = 0.01m, discount = 28.98m, status = "ACKNOWLEDGED", // not the client's to say: ignored
        });
        var raw = await response.Content.ReadAsStringAsync();
        var order = await response.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal($"/orders/{orderId}", response.Headers.Location?.ToString());
        Assert.Equal(orderId, (string)order["orderId"]!);
        Assert.Equal(customer.Id, (string)order["userId"]!);
        Assert.Equal(restaurant.Id, (string)order["restaurantId"]!);
        Assert.Equal("PLACED", (string)order["status"]!);
        Assert.Equal(28.99m, (decimal)order["subtotal"]!);
        Assert.Equal(0m, (decimal)order["discount"]!);
        Assert.Equal(28.99m, (decimal)order["total"]!);
        Assert.Contains("\"unitPrice\":12.50", raw, StringComparison.Ordinal); // money always has 2 places
        var lines = order["items"]!.AsArray();
        Assert.Equal(
            [(restaurant.MargheritaId, "Margherita", 12.50m, 2, 25.00m, "well done"), (restaurant.TiramisuId, "Tiramisu", 3.99m, 1, 3.99m, (string?)null)],
            lines.Select(l => ((string)l!["menuItemId"]!, (string)l["name"]!, (decimal)l["unitPrice"]!, (int)l["quantity"]!, (decimal)l["lineTotal"]!, (string?)l["note"])));
        Assert.False(lines[1]!.AsObject().ContainsKey("note"));
        Assert.Contains("\"discount\":0.00", raw, StringComparison.Ordinal);
        Assert.False(order.ContainsKey("promoCode"));
        Assert.Equal(order.ToJsonString(), (await (await client.GetAsync($"/orders/{orderId}")).ReadJsonAsync(HttpStatusCode.OK)).ToJsonString());
    }

    [Fact]
    public async Task A_promo_code_discounts_the_order_rounded_half_away_from_zero()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var owner = restaurant.Client();
        var promo = await owner.NewPromoAsync(customer.Id, discount: 15);
        using var client = customer.Client();
        var order = await client.PlaceAsync(restaurant, ((string)promo["code"]!).ToLowerInvariant());
        Assert.Equal((string)promo["code"]!, (string)order["promoCode"]!);
        Assert.Equal(15, (int)order["discountPercentage"]!);
        Assert.Equal(4.35m, (decimal)order["discount"]!); // 28.99 × 15 % = 4.3485
        Assert.Equal(24.64m, (decimal)order["total"]!);
    }

    [Fact]
    public async Task An_order_must_go_to_an_existing_restaurant_and_nothing_is_written_otherwise()
    {
        var customer = await app.NewUserAsync();
        var another = await app.NewUserAsync();
        using var client = customer.Client();
        var restaurant = await app.NewRestaurantAsync();
        foreach (var restaurantId in new[] { "no-such-user", another.Id })
        {
            var basket = Orders.Basket(restaurant with { User = restaurant.User with { Id = restaurantId } });
            await (await client.PostAsJsonAsync("/orders", basket)).AssertFieldErrorAsync("restaurantId");
        }
        Assert.Empty((await (await client.GetAsync("/orders")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray());
    }

    public static TheoryData<string, string> BadOrders => new()
    {
        { "{", "body" },
        { """{"orderId": 5, "restaurantId": "R", "items": []}""", "orderId" },
        { """{"orderId": "not-a-uuid", "restaurantId": "R", "items": [{"menuItemId": "M", "quantity": 1}]}""", "orderId" },
        { """{"restaurantId": "R", "items": [{"menuItemId": "M", "quantity": 1}]}""", "orderId" },
        { """{"orderId": "ID", "items": [{"menuItemId": "M", "quantity": 1}]}""", "restaurantId" },
        { """{"orderId": "ID", "restaurantId": "R", "items": []}""", "items" },
        { """{"orderId": "ID", "restaurantId": "R"}""", "items" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "M", "quantity": 0}]}""", "items[0].quantity" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "M", "quantity": -3}]}""", "items[0].quantity" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "M", "quantity": 101}]}""", "items[0].quantity" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "M", "quantity": 99999999999}]}""", "items[0].quantity" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "M", "quantity": "two"}]}""", "items[0].quantity" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "M"}]}""", "items[0].quantity" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"quantity": 1, "name": "Margherita", "unitPrice": 1}]}""", "items[0].menuItemId" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "", "quantity": 1}]}""", "items[0].menuItemId" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": 7, "quantity": 1}]}""", "items[0].menuItemId" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "no-such-dish", "quantity": 1}]}""", "items[0].menuItemId" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "M", "quantity": 1}, {"menuItemId": "no-such-dish", "quantity": 1}]}""", "items[1].menuItemId" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "M", "quantity": 1, "note": "NOTE"}]}""", "items[0].note" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [null]}""", "items[0]" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "M", "quantity": 1}], "promoCode": "no spaces"}""", "promoCode" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "M", "quantity": 1}], "promoCode": 7}""", "promoCode" },
        { """{"orderId": "ID", "restaurantId": "R", "items": [{"menuItemId": "M", "quantity": 1}], "promoCode": "NO-SUCH-CODE"}""", "promoCode" },
    };

    [Theory]
    [MemberData(nameof(BadOrders))]
    public async Task Bad_orders_get_a_field_error_and_change_nothing(string body, string field)
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var orderId = Guid.NewGuid().ToString();
        var json = body.Replace("\"ID\"", $"\"{orderId}\"", StringComparison.Ordinal).Replace("\"R\"", $"\"{restaurant.Id}\"", StringComparison.Ordinal)
            .Replace("\"M\"", $"\"{restaurant.MargheritaId}\"", StringComparison.Ordinal).Replace("NOTE", new string('n', 201), StringComparison.Ordinal);
        await (await client.PostAsync("/orders", HttpAssertions.Json(json))).AssertFieldErrorAsync(field);
        Assert.Empty((await (await client.GetAsync("/orders")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray());
        // The key is not spent: the same orderId works once the body is right.
        await (await client.PostAsJsonAsync("/orders", Orders.Basket(restaurant, orderId))).ReadJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Too_many_items_are_refused()
    {
        var restaurant = await app.NewRestaurantAsync();
        using var client = (await app.NewUserAsync()).Client();
        var items = Enumerable.Range(0, 51).Select(i => (object)new { menuItemId = i % 2 == 0 ? restaurant.MargheritaId : restaurant.TiramisuId, quantity = 1 }).ToArray();
        await (await client.PostAsJsonAsync("/orders", Orders.Basket(restaurant, items: items))).AssertFieldErrorAsync("items");
        var fifty = items[..50];
        var order = await (await client.PostAsJsonAsync("/orders", Orders.Basket(restaurant, items: fifty))).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(25 * 12.50m + 25 * 3.99m, (decimal)order["total"]!);
    }

    [Fact]
    public async Task Only_the_customer_the_restaurant_and_an_admin_see_an_order()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var orderId = (string)(await client.PlaceAsync(restaurant))["orderId"]!;
        foreach (var who in new[] { customer, restaurant.User, await app.AdminAsync() })
        {
            using var c = who.Client();
            await (await c.GetAsync($"/orders/{orderId}")).ReadJsonAsync(HttpStatusCode.OK);
        }
        foreach (var stranger in new[] { await app.NewUserAsync(), await app.NewUserAsync("owner") })
        {
            using var c = stranger.Client();
            await (await c.GetAsync($"/orders/{orderId}")).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await c.PutAsJsonAsync($"/orders/{orderId}", new { items = Orders.Lines(restaurant) })).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await c.DeleteAsync($"/orders/{orderId}")).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await c.PostAsync($"/orders/{orderId}/acknowledge", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        await (await client.GetAsync("/orders/not-a-uuid")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var anonymous = app.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/orders/{orderId}")).StatusCode);
    }

    [Fact]
    public async Task Lists_show_the_callers_orders_newest_first_and_a_restaurant_its_incoming_ones()
    {
        var restaurant = await app.NewRestaurantAsync();
        var other = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var placed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            placed.Add((string)(await client.PlaceAsync(i < 4 ? restaurant : other))["orderId"]!);
            app.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        using var owner = restaurant.Client();
        await (await owner.PostAsync($"/orders/{placed[0]}/acknowledge", null)).ReadJsonAsync(HttpStatusCode.OK);

        var mine = await client.ListAllAsync("/orders?limit=2");
        Assert.Equal(Enumerable.Reverse(placed), mine.Select(o => (string)o["orderId"]!));
        var atRestaurant = await client.ListAllAsync($"/orders?restaurantId={other.Id}");
        Assert.Equal([placed[4]], atRestaurant.Select(o => (string)o["orderId"]!));

        var incoming = await owner.ListAllAsync($"/orders?restaurantId={restaurant.Id}&limit=3");
        Assert.Equal(placed.Take(4).Reverse(), incoming.Select(o => (string)o["orderId"]!));
        var acknowledged = await owner.ListAllAsync($"/orders?restaurantId={restaurant.Id}&status=ACKNOWLEDGED");
        Assert.Equal([placed[0]], acknowledged.Select(o => (string)o["orderId"]!));
        Assert.Empty(await owner.ListAllAsync("/orders")); // the owner placed none itself

        using var admin = (await app.AdminAsync()).Client();
        var byUser = await admin.ListAllAsync($"/orders?userId={customer.Id}&status=PLACED");
        Assert.Equal(placed.Skip(1).Reverse(), byUser.Select(o => (string)o["orderId"]!));

        await (await client.GetAsync($"/orders?userId={restaurant.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/orders?status=SHIPPED")).AssertFieldErrorAsync("status");
        await (await client.GetAsync("/orders?limit=0")).AssertFieldErrorAsync("limit");
        await (await client.GetAsync("/orders?cursor=forged.cursor")).AssertFieldErrorAsync("cursor");
        var page = await (await client.GetAsync("/orders?limit=1")).ReadJsonAsync(HttpStatusCode.OK);
        await (await client.GetAsync($"/orders?status=PLACED&cursor={page["nextCursor"]}")).AssertFieldErrorAsync("cursor"); // another filter's cursor
    }

    [Fact]
    public async Task The_customer_edits_a_placed_order_and_the_totals_follow()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var order = await client.PlaceAsync(restaurant);
        var id = (string)order["orderId"]!;
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        using var owner = restaurant.Client();
        var lasagne = (string)(await owner.AddDishAsync(restaurant.Id, "Lasagne", 9.90m))["id"]!;
        var edited = await (await client.PutAsJsonAsync($"/orders/{id}", new { items = new[] { new { menuItemId = lasagne, quantity = 3, unitPrice = 0.01m } } }))
            .ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(29.70m, (decimal)edited["total"]!);
        Assert.Single(edited["items"]!.AsArray());
        Assert.True((DateTime)edited["updatedAt"]! > (DateTime)edited["createdAt"]!);

        await (await owner.PutAsJsonAsync($"/orders/{id}", new { items = Orders.Lines(restaurant) })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PutAsJsonAsync($"/orders/{id}", new { items = Array.Empty<object>() })).AssertFieldErrorAsync("items");
        await (await client.PutAsJsonAsync($"/orders/{id}", new { items = new[] { new { menuItemId = "no-such-dish", quantity = 1 } } })).AssertFieldErrorAsync("items[0].menuItemId");
        await (await owner.PostAsync($"/orders/{id}/acknowledge", null)).ReadJsonAsync(HttpStatusCode.OK);
        await (await client.PutAsJsonAsync($"/orders/{id}", new { items = Orders.Lines(restaurant) })).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(29.70m, (decimal)(await (await client.GetAsync($"/orders/{id}")).ReadJsonAsync(HttpStatusCode.OK))["total"]!);
    }

    [Fact]
    public async Task An_order_can_be_canceled_up_to_ten_minutes_after_it_was_placed_and_not_a_moment_later()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var onTime = (string)(await client.PlaceAsync(restaurant))["orderId"]!;
        var late = (string)(await client.PlaceAsync(restaurant))["orderId"]!;
        using var owner = restaurant.Client();
        await (await owner.DeleteAsync($"/orders/{onTime}")).AssertProblemAsync(HttpStatusCode.Forbidden);

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var canceled = await (await client.DeleteAsync($"/orders/{onTime}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("CANCELED", (string)canceled["status"]!);
        await (await client.DeleteAsync($"/orders/{onTime}")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await owner.PostAsync($"/orders/{onTime}/acknowledge", null)).AssertProblemAsync(HttpStatusCode.Conflict);

        app.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await (await client.DeleteAsync($"/orders/{late}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("PLACED", (string)(await (await client.GetAsync($"/orders/{late}")).ReadJsonAsync(HttpStatusCode.OK))["status"]!);
    }

    [Fact]
    public async Task An_admin_may_cancel_and_an_acknowledged_order_cannot_be_canceled()
    {
        var restaurant = await app.NewRestaurantAsync();
        using var client = (await app.NewUserAsync()).Client();
        var first = (string)(await client.PlaceAsync(restaurant))["orderId"]!;
        var second = (string)(await client.PlaceAsync(restaurant))["orderId"]!;
        using var admin = (await app.AdminAsync()).Client();
        Assert.Equal("CANCELED", (string)(await (await admin.DeleteAsync($"/orders/{first}")).ReadJsonAsync(HttpStatusCode.OK))["status"]!);
        using var owner = restaurant.Client();
        await (await client.PostAsync($"/orders/{second}/acknowledge", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("ACKNOWLEDGED", (string)(await (await owner.PostAsync($"/orders/{second}/acknowledge", null)).ReadJsonAsync(HttpStatusCode.OK))["status"]!);
        await (await owner.PostAsync($"/orders/{second}/acknowledge", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await client.DeleteAsync($"/orders/{second}")).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_racing_edit_and_acknowledge_never_both_change_the_order_after_the_other()
    {
        var restaurant = await app.NewRestaurantAsync();
        using var client = (await app.NewUserAsync()).Client();
        using var owner = restaurant.Client();
        var editedDish = (string)(await owner.AddDishAsync(restaurant.Id, "Edited", 5m))["id"]!;
        for (var round = 0; round < 10; round++)
        {
            var id = (string)(await client.PlaceAsync(restaurant))["orderId"]!;
            var edit = client.PutAsJsonAsync($"/orders/{id}", new { items = new[] { new { menuItemId = editedDish, quantity = 1 } } });
            var acknowledge = owner.PostAsync($"/orders/{id}/acknowledge", null);
            var (edited, acknowledged) = (await edit, await acknowledge);
            Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
            var final = await (await client.GetAsync($"/orders/{id}")).ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal("ACKNOWLEDGED", (string)final["status"]!);
            var ackedItems = (string)(await acknowledged.Content.ReadFromJsonAsync<JsonObject>())!["items"]![0]!["name"]!;
            if (edited.StatusCode == HttpStatusCode.OK)
                Assert.Equal("Edited", ackedItems); // the edit came first, and the restaurant acknowledged what it says
            else
                Assert.Equal(HttpStatusCode.Conflict, edited.StatusCode);
            Assert.Equal(ackedItems, (string)final["items"]![0]!["name"]!);
        }
    }
}
