using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tavolo.Tests.Orders;
using Tavolo.Tests.Restaurants;

namespace Tavolo.Tests.PromoCodes;

/// <summary>A promo code is good only at its restaurant: an owner's codes are its own; an admin may issue one for everywhere.</summary>
public sealed class PromoRestaurantTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private static object Terms(string ownerId, string? restaurantId = null, int discount = 100) => new
    {
        ownerId, restaurantId, discountPercentage = discount, expiresAt = DateTime.UtcNow.AddDays(7), description = "Test",
    };

    [Fact]
    public async Task A_self_registered_owners_100_percent_code_buys_nothing_at_another_restaurant()
    {
        var attacker = await app.NewRestaurantAsync();
        var victim = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var minted = attacker.Client();
        var code = await (await minted.PostAsJsonAsync("/promo-codes", Terms(customer.Id))).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(attacker.Id, (string)code["restaurantId"]!);
        await (await minted.PostAsJsonAsync("/promo-codes", Terms(customer.Id, restaurantId: victim.Id))).AssertFieldErrorAsync("restaurantId");

        using var client = customer.Client();
        await (await client.PostAsJsonAsync("/orders", Orders.Orders.Basket(victim, promoCode: (string)code["code"]!))).AssertFieldErrorAsync("promoCode");
        Assert.Empty(await client.ListAllAsync("/orders"));
        Assert.Equal(0, (int)(await (await minted.GetAsync($"/promo-codes/{code["code"]}")).ReadJsonAsync(HttpStatusCode.OK))["redemptions"]!);
        var own = await client.PlaceAsync(attacker, (string)code["code"]!); // at its own restaurant it works
        Assert.Equal(0.00m, (decimal)own["total"]!);
    }

    [Fact]
    public async Task An_owner_may_name_its_own_restaurant_and_an_admin_any_restaurant_or_none()
    {
        var restaurant = await app.NewRestaurantAsync();
        var elsewhere = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var owner = restaurant.Client();
        Assert.Equal(restaurant.Id, (string)(await (await owner.PostAsJsonAsync("/promo-codes", Terms(customer.Id, restaurantId: restaurant.Id)))
            .ReadJsonAsync(HttpStatusCode.Created))["restaurantId"]!);

        using var admin = (await app.AdminAsync()).Client();
        var everywhere = await (await admin.PostAsJsonAsync("/promo-codes", Terms(customer.Id, discount: 10))).ReadJsonAsync(HttpStatusCode.Created);
        Assert.True(everywhere.ContainsKey("restaurantId"));
        Assert.Null(everywhere["restaurantId"]);
        var bound = await (await admin.PostAsJsonAsync("/promo-codes", Terms(customer.Id, restaurantId: elsewhere.Id, discount: 20))).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(elsewhere.Id, (string)bound["restaurantId"]!);
        await (await admin.PostAsJsonAsync("/promo-codes", Terms(customer.Id, restaurantId: customer.Id))).AssertFieldErrorAsync("restaurantId");
        await (await admin.PostAsJsonAsync("/promo-codes", Terms(customer.Id, restaurantId: "no-such-restaurant"))).AssertFieldErrorAsync("restaurantId");

        using var client = customer.Client();
        Assert.Equal(26.09m, (decimal)(await client.PlaceAsync(restaurant, (string)everywhere["code"]!))["total"]!);
        Assert.Equal(26.09m, (decimal)(await client.PlaceAsync(elsewhere, (string)everywhere["code"]!))["total"]!);
        Assert.Equal(23.19m, (decimal)(await client.PlaceAsync(elsewhere, (string)bound["code"]!))["total"]!);
        await (await client.PostAsJsonAsync("/orders", Orders.Orders.Basket(restaurant, promoCode: (string)bound["code"]!))).AssertFieldErrorAsync("promoCode");

        // PUT keeps the restaurant: it is not one of the editable terms.
        var put = await (await admin.PutAsJsonAsync($"/promo-codes/{bound["code"]}", Terms(customer.Id, restaurantId: restaurant.Id, discount: 30))).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(elsewhere.Id, (string)put["restaurantId"]!);

        var filtered = await admin.ListAllAsync($"/promo-codes?restaurantId={elsewhere.Id}");
        Assert.Equal([(string)bound["code"]!], filtered.Select(c => (string)c["code"]!));
        await (await admin.GetAsync($"/promo-codes?restaurantId={new string('x', 65)}")).AssertFieldErrorAsync("restaurantId");
    }

    [Fact]
    public async Task Validate_says_WRONG_RESTAURANT_for_an_order_elsewhere()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var owner = restaurant.Client();
        var code = (string)(await owner.NewPromoAsync(customer.Id, discount: 20))["code"]!;
        using var client = customer.Client();
        async Task<JsonObject> Check(string query) => await (await client.PostAsync($"/promo-codes/{code}/validate{query}", null)).ReadJsonAsync(HttpStatusCode.OK);

        Assert.True((bool)(await Check(""))["valid"]!);
        Assert.True((bool)(await Check($"?restaurantId={restaurant.Id}"))["valid"]!);
        var elsewhere = await Check("?restaurantId=another-restaurant");
        Assert.False((bool)elsewhere["valid"]!);
        Assert.Equal("WRONG_RESTAURANT", (string)elsewhere["reason"]!);
        Assert.False(elsewhere.ContainsKey("discountPercentage"));
        await (await client.PostAsync($"/promo-codes/{code}/validate?restaurantId={new string('x', 65)}", null)).AssertFieldErrorAsync("restaurantId");
    }
}
