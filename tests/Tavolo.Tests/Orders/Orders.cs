using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tavolo.Tests.Restaurants;

namespace Tavolo.Tests.Orders;

/// <summary>Placing orders in tests: a fresh restaurant, a simple basket, a new client-chosen id.</summary>
public static class Orders
{
    /// <summary>An order of 2 × Margherita and 1 × Tiramisu (28.99) unless other lines are given.</summary>
    public static object Basket(TestRestaurant restaurant, string? orderId = null, string? promoCode = null, object[]? items = null) => new
    {
        orderId = orderId ?? Guid.NewGuid().ToString(),
        restaurantId = restaurant.Id,
        items = items ?? Lines(restaurant),
        promoCode,
    };

    public static object[] Lines(TestRestaurant restaurant) =>
        [new { menuItemId = restaurant.MargheritaId, quantity = 2 }, new { menuItemId = restaurant.TiramisuId, quantity = 1 }];

    public static async Task<JsonObject> PlaceAsync(this HttpClient client, TestRestaurant restaurant, string? promoCode = null) =>
        await (await client.PostAsJsonAsync("/orders", Basket(restaurant, promoCode: promoCode))).ReadJsonAsync(HttpStatusCode.Created);

    public static async Task<JsonObject> NewPromoAsync(this HttpClient issuer, string ownerId, int discount = 15, int? maxRedemptions = null, DateTime? expiresAt = null) =>
        await (await issuer.PostAsJsonAsync("/promo-codes", new
        {
            ownerId, discountPercentage = discount, expiresAt = expiresAt ?? DateTime.UtcNow.AddYears(1), description = "Test code", maxRedemptions,
        })).ReadJsonAsync(HttpStatusCode.Created);

    /// <summary>A client with a fresh access token (after a test moved the clock past the old one's expiry).</summary>
    public static async Task<HttpClient> SignInAgainAsync(this TestUser user) =>
        user.App.As((string)(await user.App.LoginAsync(user.Email, user.Password))["accessToken"]!);

    public static async Task<List<JsonObject>> ListAllAsync(this HttpClient client, string url)
    {
        var all = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await (await client.GetAsync(cursor is null ? url : $"{url}{separator}cursor={Uri.EscapeDataString(cursor)}")).ReadJsonAsync(HttpStatusCode.OK);
            all.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return all;
    }
}
