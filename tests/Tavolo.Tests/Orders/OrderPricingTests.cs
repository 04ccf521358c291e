using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tavolo.Tests.Restaurants;

namespace Tavolo.Tests.Orders;

/// <summary>The server prices every order from the menu: awkward amounts, 100 % codes, refused lines, later price changes.</summary>
public sealed class OrderPricingTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private async Task<(TestUser Owner, TestUser Customer)> PartiesAsync() => (await app.NewUserAsync("owner"), await app.NewUserAsync());

    private static async Task<JsonObject> OrderAsync(HttpClient client, string restaurantId, string? promoCode, params (string Id, int Quantity)[] lines) =>
        await (await client.PostAsJsonAsync("/orders", new
        {
            orderId = Guid.NewGuid().ToString(), restaurantId, promoCode,
            items = lines.Select(l => new { menuItemId = l.Id, quantity = l.Quantity }).ToArray(),
        })).ReadJsonAsync(HttpStatusCode.Created);

    private static (decimal Subtotal, decimal Discount, decimal Total) Money(JsonObject order) =>
        ((decimal)order["subtotal"]!, (decimal)order["discount"]!, (decimal)order["total"]!);

    [Theory]
    [InlineData(0.33, 3, 50, 0.99, 0.50, 0.49)]   // 0.495 → 0.50: half away from zero
    [InlineData(0.69, 1, 50, 0.69, 0.35, 0.34)]   // 0.345 → 0.35 (banker's rounding would give 0.34)
    [InlineData(0.67, 3, 15, 2.01, 0.30, 1.71)]   // 0.3015 → 0.30
    [InlineData(0.01, 1, 50, 0.01, 0.01, 0.00)]   // 0.005 → 0.01
    [InlineData(0.01, 1, 49, 0.01, 0.00, 0.01)]   // 0.0049 → 0.00
    [InlineData(9999.99, 100, 33, 999999.00, 329999.67, 669999.33)]
    public async Task Amounts_are_exact_decimals_rounded_half_away_from_zero(
        double price, int quantity, int percentage, double subtotal, double discount, double total)
    {
        var (owner, customer) = await PartiesAsync();
        using var issuer = owner.Client();
        var dish = (string)(await issuer.AddDishAsync(owner.Id, "Dish", (decimal)price))["id"]!;
        var code = (string)(await issuer.NewPromoAsync(customer.Id, discount: percentage))["code"]!;
        using var client = customer.Client();
        var order = await OrderAsync(client, owner.Id, code, (dish, quantity));
        Assert.Equal(((decimal)subtotal, (decimal)discount, (decimal)total), Money(order));
        Assert.Equal((decimal)subtotal, (decimal)order["items"]![0]!["lineTotal"]!);
    }

    [Fact]
    public async Task Lines_add_up_without_binary_floating_point_error()
    {
        var (owner, customer) = await PartiesAsync();
        using var issuer = owner.Client();
        var dime = (string)(await issuer.AddDishAsync(owner.Id, "Dime", 0.10m))["id"]!;
        var fifth = (string)(await issuer.AddDishAsync(owner.Id, "Fifth", 0.20m))["id"]!;
        using var client = customer.Client();
        var order = await OrderAsync(client, owner.Id, null, (dime, 3), (fifth, 1), (dime, 1)); // the same dish may appear on two lines
        Assert.Equal((0.60m, 0.00m, 0.60m), Money(order));
        Assert.Equal([0.30m, 0.20m, 0.10m], order["items"]!.AsArray().Select(l => (decimal)l!["lineTotal"]!));
    }

    [Fact]
    public async Task A_100_percent_code_makes_the_total_zero()
    {
        var (owner, customer) = await PartiesAsync();
        using var issuer = owner.Client();
        var dish = (string)(await issuer.AddDishAsync(owner.Id, "Feast", 33.33m))["id"]!;
        var code = (string)(await issuer.NewPromoAsync(customer.Id, discount: 100))["code"]!;
        using var client = customer.Client();
        var response = await client.PostAsJsonAsync("/orders", new
        {
            orderId = Guid.NewGuid().ToString(), restaurantId = owner.Id, promoCode = code, items = new[] { new { menuItemId = dish, quantity = 3 } },
        });
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal((99.99m, 99.99m, 0.00m), Money(await response.ReadJsonAsync(HttpStatusCode.Created)));
        Assert.Contains("\"total\":0.00", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unavailable_unknown_or_other_restaurants_dish_is_refused_on_its_line_and_nothing_is_written()
    {
        var (owner, customer) = await PartiesAsync();
        var other = await app.NewRestaurantAsync();
        using var issuer = owner.Client();
        var soup = (string)(await issuer.AddDishAsync(owner.Id, "Soup", 4m))["id"]!;
        var soldOut = (string)(await issuer.AddDishAsync(owner.Id, "Sold out", 4m, available: false))["id"]!;
        var code = (string)(await issuer.NewPromoAsync(customer.Id, maxRedemptions: 1))["code"]!;
        using var client = customer.Client();
        var response = await client.PostAsJsonAsync("/orders", new
        {
            orderId = Guid.NewGuid().ToString(), restaurantId = owner.Id, promoCode = code,
            items = new[]
            {
                new { menuItemId = soup, quantity = 1 }, new { menuItemId = soldOut, quantity = 1 },
                new { menuItemId = other.MargheritaId, quantity = 1 }, new { menuItemId = "no-such-dish", quantity = 1 },
            },
        });
        var problem = await response.AssertFieldErrorAsync("items[1].menuItemId");
        Assert.Equal(["items[1].menuItemId", "items[2].menuItemId", "items[3].menuItemId"], problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Empty(await client.ListAllAsync("/orders"));
        Assert.Equal(0, (int)(await (await issuer.GetAsync($"/promo-codes/{code}")).ReadJsonAsync(HttpStatusCode.OK))["redemptions"]!);
        await OrderAsync(client, owner.Id, code, (soup, 1)); // the code is still there to use
    }

    [Fact]
    public async Task An_order_keeps_its_price_when_the_menu_changes_and_an_edit_prices_it_again()
    {
        var (owner, customer) = await PartiesAsync();
        using var issuer = owner.Client();
        var dish = await issuer.AddDishAsync(owner.Id, "Risotto", 14m, "Primi");
        var dishId = (string)dish["id"]!;
        using var client = customer.Client();
        var body = new { orderId = Guid.NewGuid().ToString(), restaurantId = owner.Id, items = new[] { new { menuItemId = dishId, quantity = 2 } } };
        var placed = await (await client.PostAsJsonAsync("/orders", body)).ReadJsonAsync(HttpStatusCode.Created);
        var url = $"/orders/{placed["orderId"]}";

        await (await issuer.PutAsJsonAsync($"/restaurants/{owner.Id}/menu/items/{dishId}", new { name = "Risotto ai funghi", price = 16.5m })).ReadJsonAsync(HttpStatusCode.OK);
        var kept = await (await client.GetAsync(url)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(placed.ToJsonString(), kept.ToJsonString());
        Assert.Equal(("Risotto", 14.00m), ((string)kept["items"]![0]!["name"]!, (decimal)kept["items"]![0]!["unitPrice"]!));

        var replay = await client.PostAsJsonAsync("/orders", body); // the stored response, even though the menu changed
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(placed.ToJsonString(), (await replay.ReadJsonAsync(HttpStatusCode.Created)).ToJsonString());

        var edited = await (await client.PutAsJsonAsync(url, new { items = new[] { new { menuItemId = dishId, quantity = 2 } } })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Risotto ai funghi", 16.50m, 33.00m), ((string)edited["items"]![0]!["name"]!, (decimal)edited["items"]![0]!["unitPrice"]!, (decimal)edited["total"]!));

        Assert.Equal(HttpStatusCode.NoContent, (await issuer.DeleteAsync($"/restaurants/{owner.Id}/menu/items/{dishId}")).StatusCode);
        Assert.Equal(33.00m, (decimal)(await (await client.GetAsync(url)).ReadJsonAsync(HttpStatusCode.OK))["total"]!); // the snapshot outlives the dish
        await (await client.PutAsJsonAsync(url, new { items = new[] { new { menuItemId = dishId, quantity = 1 } } })).AssertFieldErrorAsync("items[0].menuItemId");
    }

    [Fact]
    public async Task A_restaurant_that_stops_being_one_takes_no_order_from_the_next_request_on()
    {
        var (owner, customer) = await PartiesAsync();
        using var issuer = owner.Client();
        var dish = (string)(await issuer.AddDishAsync(owner.Id, "Pasta", 9m))["id"]!;
        using var client = customer.Client();
        await OrderAsync(client, owner.Id, null, (dish, 1)); // the restaurant and its dish have been read (and may be kept)

        Assert.Equal(HttpStatusCode.NoContent, (await issuer.DeleteAsync($"/restaurants/{owner.Id}")).StatusCode); // its OWNER closes it
        await (await client.PostAsJsonAsync("/orders", new
        {
            orderId = Guid.NewGuid().ToString(), restaurantId = owner.Id, items = new[] { new { menuItemId = dish, quantity = 1 } },
        })).AssertFieldErrorAsync("restaurantId");

        // A restaurant whose only OWNER deletes the account goes with it.
        var (second, _) = await PartiesAsync();
        using var secondIssuer = second.Client();
        var secondDish = (string)(await secondIssuer.AddDishAsync(second.Id, "Soup", 7m))["id"]!;
        await OrderAsync(client, second.Id, null, (secondDish, 1));
        using var admin = (await app.AdminAsync()).Client();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/users/{second.Id}")).StatusCode);
        await (await client.PostAsJsonAsync("/orders", new
        {
            orderId = Guid.NewGuid().ToString(), restaurantId = second.Id, items = new[] { new { menuItemId = secondDish, quantity = 1 } },
        })).AssertFieldErrorAsync("restaurantId");
    }
}
