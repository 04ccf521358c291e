using Tavolo.Tests.Client.Generated;

namespace Tavolo.Tests.Client;

/// <summary>
/// The README's first walk through, driven only by <see cref="TavoloClient"/>, the client NSwag generates from
/// docs/openapi.json: if the document named a wrong path, type, status code or response shape, this would not
/// compile or would throw. The HttpClients come from <see cref="TavoloApp"/> only for the base address and the token.
/// </summary>
public sealed class ReadmeStoryTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private TavoloClient Client(string? accessToken = null) =>
        new(accessToken is null ? app.Anonymous() : app.As(accessToken));

    [Fact]
    public async Task Readme_story_through_the_generated_client()
    {
        var anonymous = Client();
        const string password = "correct horse battery";
        var customerEmail = TavoloApp.NewEmail("ann");
        var ownerEmail = TavoloApp.NewEmail("chef");

        // Register a customer and an owner, log both in.
        var ann = await anonymous.PostAuthRegisterAsync(new RegisterRequest { Email = customerEmail, Password = password, Name = "Ann" });
        Assert.Equal("customer", ann.Role);
        var chef = await anonymous.PostAuthRegisterAsync(new RegisterRequest { Email = ownerEmail, Password = password, Name = "Chef", AccountType = "owner" });
        Assert.Equal("owner", chef.Role);
        var annTokens = await anonymous.PostAuthLoginAsync(new LoginRequest { Email = customerEmail, Password = password });
        Assert.Equal("Bearer", annTokens.TokenType);
        Assert.True(annTokens.ExpiresIn > 0);
        var chefTokens = await anonymous.PostAuthLoginAsync(new LoginRequest { Email = ownerEmail, Password = password });
        var customer = Client(annTokens.AccessToken);
        var owner = Client(chefTokens.AccessToken);
        Assert.Equal(ann.Id, (await customer.GetUsersMeAsync()).Id);
        var session = Assert.Single((await customer.GetAuthSessionsAsync()).Items);
        Assert.True(session.Current);

        // The owner opens a waitlist and adds a party; the customer checks in by the public link and reads its place.
        var list = await owner.PostWaitlistsAsync(new WaitlistRequest { Name = "Front door" });
        Assert.True(list.IsOpen);
        var rossi = await owner.PostWaitlistsByIdWaiteesAsync(list.Id, new WaiteeRequest { Name = "Rossi", PartySize = 4, Phone = "+393331234567" });
        Assert.Equal(1, rossi.Position);
        Assert.Equal("WAITING", rossi.Status);
        var open = await anonymous.GetWaitlistsByIdPublicAsync(list.Id);
        Assert.Equal("Front door", open.Name);
        var joined = await anonymous.PostWaitlistsByIdJoinAsync(list.Id, new JoinRequest { Name = "Ann", PartySize = 2, Email = customerEmail });
        Assert.Equal(2, joined.Position);
        var place = await anonymous.GetGuestByGuestTokenAsync(joined.GuestToken);
        Assert.Equal("WAITING", place.Status);
        Assert.Equal(2, place.Position);
        await owner.PostWaitlistsByIdWaiteesByWaiteeIdNotifyAsync(list.Id, rossi.Id);
        var outbox = await Eventually.ReadAsync(async () => (await owner.GetWaitlistsByIdNotificationsAsync(list.Id)).Items,
            items => items.Any(n => n.Status == "SENT"), TimeSpan.FromSeconds(20));
        Assert.Equal("outbox", outbox.First().Channel);

        // Two dishes on the menu; anyone finds the restaurant and reads the menu.
        var pizza = await owner.PostRestaurantsByRestaurantIdMenuItemsAsync(chef.Id, new MenuItemRequest { Name = "Margherita", Price = 12.50m, Category = "Pizza" });
        var dolce = await owner.PostRestaurantsByRestaurantIdMenuItemsAsync(chef.Id,
            new MenuItemRequest { Name = "Tiramisu", Description = "Mascarpone, espresso", Price = 3.99m, Category = "Dolci" });
        Assert.Equal(12.50m, pizza.Price);
        Assert.True(pizza.Available);
        Assert.Contains((await anonymous.GetRestaurantsAsync(q: "chef")).Items, r => r.Id == chef.Id);
        var menu = await anonymous.GetRestaurantsByRestaurantIdMenuAsync(chef.Id);
        Assert.Equal(["Margherita", "Tiramisu"], menu.Items.Select(i => i.Name).Order(StringComparer.Ordinal));

        // A promo code for the customer; the order names the dishes by id and the server prices it.
        var welcome = await owner.PostPromoCodesAsync(new PromoCodeRequest
        {
            Code = "WELCOME10", OwnerId = ann.Id, DiscountPercentage = 10, ExpiresAt = DateTimeOffset.UtcNow.AddYears(1), Description = "Welcome",
        });
        Assert.Equal(10, welcome.DiscountPercentage);
        var valid = await customer.PostPromoCodesByCodeValidateAsync("welcome10", restaurantId: chef.Id);
        Assert.True(valid.Valid);
        var orderId = Guid.NewGuid().ToString();
        var order = await customer.PostOrdersAsync(new OrderRequest
        {
            OrderId = orderId, RestaurantId = chef.Id, PromoCode = "welcome10",
            Items = [new OrderItemRequest { MenuItemId = pizza.Id, Quantity = 2 }, new OrderItemRequest { MenuItemId = dolce.Id, Quantity = 1, Note = "two spoons" }],
        });
        Assert.Equal("PLACED", order.Status);
        Assert.Equal(28.99m, order.Subtotal);
        Assert.Equal(2.90m, order.Discount);
        Assert.Equal(26.09m, order.Total);
        Assert.Equal(25.00m, order.Items.Single(i => i.MenuItemId == pizza.Id).LineTotal);
        var readBack = await customer.GetOrdersByOrderIdAsync(orderId);
        Assert.Equal(26.09m, readBack.Total);
        Assert.Equal("two spoons", readBack.Items.Single(i => i.MenuItemId == dolce.Id).Note);
        Assert.Contains((await owner.GetOrdersAsync(restaurantId: chef.Id)).Items, o => o.OrderId == orderId);
        var acknowledged = await owner.PostOrdersByOrderIdAcknowledgeAsync(orderId);
        Assert.Equal("ACKNOWLEDGED", acknowledged.Status);
        Assert.Contains((await owner.GetPromoCodesAsync(active: true, sort: "-discountPercentage")).Items, p => p.Code == "WELCOME10");

        // Refresh rotates the session's tokens; logout ends it, and its refresh token is refused.
        var refreshed = await anonymous.PostAuthRefreshAsync(new RefreshRequest { RefreshToken = annTokens.RefreshToken });
        Assert.Equal(annTokens.SessionId, refreshed.SessionId);
        Assert.NotEqual(annTokens.RefreshToken, refreshed.RefreshToken);
        await anonymous.PostAuthLogoutAsync(new RefreshRequest { RefreshToken = refreshed.RefreshToken });
        var spent = await Assert.ThrowsAsync<TavoloApiException<ProblemDetails>>(() => anonymous.PostAuthRefreshAsync(new RefreshRequest { RefreshToken = refreshed.RefreshToken }));
        Assert.Equal(401, spent.StatusCode);
        Assert.Equal(401, spent.Result.Status);
    }

    [Fact]
    public async Task Refusals_arrive_as_typed_problems()
    {
        var user = await app.NewUserAsync();
        var customer = Client(user.AccessToken);

        var missing = await Assert.ThrowsAsync<TavoloApiException<ProblemDetails>>(() => customer.GetOrdersByOrderIdAsync(Guid.NewGuid().ToString()));
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal(404, missing.Result.Status);
        Assert.False(string.IsNullOrEmpty(missing.Result.Title));

        var invalid = await Assert.ThrowsAsync<TavoloApiException<HttpValidationProblemDetails>>(() =>
            Client().PostAuthRegisterAsync(new RegisterRequest { Email = "not-an-email", Password = "short", Name = "X" }));
        Assert.Equal(400, invalid.StatusCode);
        Assert.Equal(400, invalid.Result.Status);
        Assert.NotNull(invalid.Result.Errors);
        Assert.Contains("password", invalid.Result.Errors.Keys);
    }
}
