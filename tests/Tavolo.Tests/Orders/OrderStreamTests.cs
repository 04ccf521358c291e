using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tavolo.Orders;

namespace Tavolo.Tests.Orders;

/// <summary>A stream cap of 2 per user, so the test can reach it.</summary>
public sealed class TightStreamsApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Tavolo:Streams:MaxPerUser"] = "2" };
}

/// <summary>GET /orders/stream through real HTTP: who sees which order, when, and the stream rules.</summary>
public sealed class OrderStreamTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Fact]
    public async Task Customer_and_restaurant_see_an_order_placed_acknowledged_and_nobody_else_sees_it()
    {
        var restaurant = await app.NewUserAsync("owner");
        var customer = await app.NewUserAsync();
        var stranger = await app.NewUserAsync();
        var dish = await restaurant.AddDishAsync("Margherita", 12.50m);
        await using var customerStream = await OrderStream.OpenAsync(customer.Client());
        await using var restaurantStream = await OrderStream.OpenAsync(restaurant.Client());
        await using var strangerStream = await OrderStream.OpenAsync(stranger.Client());

        using var client = customer.Client();
        var placed = await client.PlaceFromMenuAsync(restaurant.Id, dish, quantity: 2);
        var orderId = (string)placed["orderId"]!;
        foreach (var stream in new[] { customerStream, restaurantStream })
        {
            var (name, order) = await stream.NextAsync();
            Assert.Equal("order", name);
            Assert.Equal(orderId, (string)order["orderId"]!);
            Assert.Equal("PLACED", (string)order["status"]!);
            Assert.Equal(25.00m, (decimal)order["total"]!);
        }

        using var owner = restaurant.Client();
        (await owner.PostAsync($"/orders/{orderId}/acknowledge", null)).EnsureSuccessStatusCode();
        foreach (var stream in new[] { customerStream, restaurantStream })
        {
            var (_, order) = await stream.NextAsync();
            Assert.Equal(orderId, (string)order["orderId"]!);
            Assert.Equal("ACKNOWLEDGED", (string)order["status"]!);
        }

        // The stranger's first event is its own order: the other two never reached its stream.
        using var strangerClient = stranger.Client();
        var own = await strangerClient.PlaceFromMenuAsync(restaurant.Id, dish, quantity: 1);
        Assert.Equal((string)own["orderId"]!, (string)(await strangerStream.NextAsync()).Data["orderId"]!);
        Assert.Equal((string)own["orderId"]!, (string)(await restaurantStream.NextAsync()).Data["orderId"]!);
    }

    [Fact]
    public async Task A_cancel_and_an_edit_reach_the_stream_and_a_refused_change_sends_nothing()
    {
        var restaurant = await app.NewUserAsync("owner");
        var customer = await app.NewUserAsync();
        var dish = await restaurant.AddDishAsync("Tiramisu", 4.00m);
        using var client = customer.Client();
        await using var stream = await OrderStream.OpenAsync(customer.Client());
        var orderId = (string)(await client.PlaceFromMenuAsync(restaurant.Id, dish, quantity: 1))["orderId"]!;
        Assert.Equal("PLACED", (string)(await stream.NextAsync()).Data["status"]!);

        (await client.PutAsJsonAsync($"/orders/{orderId}", new { items = new[] { new { menuItemId = dish, quantity = 3 } } })).EnsureSuccessStatusCode();
        Assert.Equal(12.00m, (decimal)(await stream.NextAsync()).Data["total"]!);

        // The customer may not acknowledge (403): no event. Then the cancel arrives, and is the next event.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/orders/{orderId}/acknowledge", null)).StatusCode);
        (await client.DeleteAsync($"/orders/{orderId}")).EnsureSuccessStatusCode();
        var canceled = (await stream.NextAsync()).Data;
        Assert.Equal(orderId, (string)canceled["orderId"]!);
        Assert.Equal("CANCELED", (string)canceled["status"]!);
    }

    [Fact]
    public async Task The_stream_needs_a_signed_in_user_and_keeps_itself_alive()
    {
        using var anonymous = app.Anonymous();
        var refused = await anonymous.GetAsync("/orders/stream");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var customer = await app.NewUserAsync();
        await using var stream = await OrderStream.OpenAsync(customer.Client());
        Assert.Equal("text/event-stream", stream.ContentType);
        // Move the injected clock past the keep-alive interval until the comment line arrives.
        var line = await stream.NextLineAsync(whileWaiting: () => app.Clock.Advance(TimeSpan.FromSeconds(15)));
        Assert.Equal(": keep-alive", line);
    }
}

/// <summary>The per-user cap, and the end of every stream when the application stops.</summary>
public sealed class OrderStreamLimitTests(TightStreamsApp app) : IClassFixture<TightStreamsApp>
{
    [Fact]
    public async Task One_user_gets_429_past_its_cap_and_a_slot_comes_back_when_a_stream_ends()
    {
        var customer = await app.NewUserAsync();
        var first = await OrderStream.OpenAsync(customer.Client());
        await using var second = await OrderStream.OpenAsync(customer.Client());
        using var client = customer.Client();
        var third = await client.GetAsync("/orders/stream", HttpCompletionOption.ResponseHeadersRead);
        await third.AssertProblemAsync(HttpStatusCode.TooManyRequests);

        // Another user is not counted against this one.
        await using var other = await OrderStream.OpenAsync((await app.NewUserAsync()).Client());

        await first.DisposeAsync();
        await using var again = await OrderStream.WaitForSlotAsync(customer.Client());
        Assert.Equal("text/event-stream", again.ContentType);
    }

    [Fact]
    public async Task Open_streams_end_when_the_application_stops()
    {
        var own = new TavoloApp();
        var customer = await own.NewUserAsync();
        var stream = await OrderStream.OpenAsync(customer.Client());
        var stopping = own.DisposeAsync().AsTask();
        Assert.Null(await stream.NextLineAsync()); // the body ends: no line, no hang
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        await stream.DisposeAsync();
    }
}

/// <summary>The feed itself: who hears of an order, and a full buffer that drops the oldest and says so.</summary>
public sealed class OrderChangesTests
{
    private static Order Order(string id, string customer, string restaurant) =>
        new(id, customer, restaurant, OrderStatus.Placed, [], 0m, null, null, 0m, 0m, DateTime.UtcNow, DateTime.UtcNow, 1);

    [Fact]
    public void An_order_reaches_its_customer_and_its_restaurant_only_and_an_overflow_is_counted()
    {
        var feed = new OrderChanges();
        using var customer = feed.Subscribe([OrderChanges.CustomerKey("c")], capacity: 2);
        using var restaurant = feed.Subscribe([OrderChanges.RestaurantKey("r")], capacity: 8);
        using var stranger = feed.Subscribe([OrderChanges.CustomerKey("s")]);
        feed.Publish(Order("o1", "c", "r"));
        feed.Publish(Order("o2", "c", "r"));
        feed.Publish(Order("o2", "c", "r"));
        Assert.Equal(1, customer.TakeDropped()); // o1 fell out of the 2-slot buffer
        Assert.Equal(new[] { "o2" }, customer.Drain()); // distinct ids
        Assert.Equal(0, restaurant.TakeDropped());
        Assert.Equal(new[] { "o1", "o2" }, restaurant.Drain());
        Assert.Equal(0, stranger.Pending);
        Assert.Equal(3, feed.Count);
        customer.Dispose();
        Assert.Equal(2, feed.Count);
    }
}

/// <summary>/restaurants, /orders and /promo-codes are both a page and an API route: a navigation gets the page, the rest the API.</summary>
public sealed class SharedPathTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Theory]
    [InlineData("/orders")]
    [InlineData("/promo-codes")]
    [InlineData("/restaurants")]
    public async Task A_navigation_gets_the_page_and_a_json_request_the_api(string path)
    {
        using var anonymous = app.Anonymous();
        using var navigation = new HttpRequestMessage(HttpMethod.Get, path);
        navigation.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var page = await anonymous.SendAsync(navigation);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(page.Headers.GetValues("Content-Security-Policy").Single());

        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        var api = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("application/json", api.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await api.Content.ReadFromJsonAsync<JsonObject>())!["items"]);
        if (path != "/restaurants")
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode); // no Accept: the API
    }
}
