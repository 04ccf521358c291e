using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Tavolo.Tests.Restaurants;

/// <summary>A restaurant of a test: an owner account with two dishes on its menu (Margherita 12.50, Tiramisu 3.99).</summary>
public sealed record TestRestaurant(TestUser User, string MargheritaId, string TiramisuId)
{
    public string Id => User.Id;

    public HttpClient Client() => User.Client();
}

public static class Restaurants
{
    public static async Task<TestRestaurant> NewRestaurantAsync(this TavoloApp app)
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        var margherita = await client.AddDishAsync(owner.Id, "Margherita", 12.50m, "Pizza");
        var tiramisu = await client.AddDishAsync(owner.Id, "Tiramisu", 3.99m, "Dolci");
        return new TestRestaurant(owner, (string)margherita["id"]!, (string)tiramisu["id"]!);
    }

    public static async Task<JsonObject> AddDishAsync(
        this HttpClient owner, string restaurantId, string name, decimal price, string? category = null, bool available = true, string? description = null) =>
        await (await owner.PostAsJsonAsync($"/restaurants/{restaurantId}/menu/items", new { name, price, category, available, description }))
            .ReadJsonAsync(HttpStatusCode.Created);
}
