using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tavolo.Idempotency;
using Tavolo.Platform;

using Tavolo.Tests.Restaurants;

namespace Tavolo.Tests.Orders;

public sealed class IdempotencyTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Fact]
    public async Task The_same_order_again_replays_the_stored_response()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var basket = Orders.Basket(restaurant);
        var first = await client.PostAsJsonAsync("/orders", basket);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));

        app.Clock.Advance(TimeSpan.FromHours(23));
        using var later = await customer.SignInAgainAsync(); // the first access token has expired by now
        var again = await later.PostAsJsonAsync("/orders", basket);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstBody, await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal("application/json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(first.Content.Headers.ContentType, again.Content.Headers.ContentType); // the first answer is the stored one
        Assert.Equal(first.Content.Headers.ContentLength, again.Content.Headers.ContentLength);
        Assert.Single(await later.ListAllAsync("/orders"));
    }

    [Fact]
    public async Task The_same_order_id_with_a_different_body_is_refused_and_changes_nothing()
    {
        var restaurant = await app.NewRestaurantAsync();
        using var client = (await app.NewUserAsync()).Client();
        var orderId = Guid.NewGuid().ToString();
        var placed = await (await client.PostAsJsonAsync("/orders", Orders.Basket(restaurant, orderId))).ReadJsonAsync(HttpStatusCode.Created);
        var changed = Orders.Basket(restaurant, orderId, items: [new { menuItemId = restaurant.TiramisuId, quantity = 5 }]);
        await (await client.PostAsJsonAsync("/orders", changed)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(placed.ToJsonString(), (await (await client.GetAsync($"/orders/{orderId}")).ReadJsonAsync(HttpStatusCode.OK)).ToJsonString());
    }

    [Fact]
    public async Task A_repeat_while_the_first_is_in_flight_gets_409_until_its_lease_runs_out()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var orderId = Guid.NewGuid().ToString();
        // A first request that claimed the key and then died (its process crashed): the record stays in flight.
        var store = app.Services.GetRequiredService<IIdempotencyStore>();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        Assert.Null(await store.TryHoldAsync(
            new IdempotencyRecord($"{customer.Id}|/orders|resource {orderId}", "-", "lease", now.AddSeconds(60), now.AddHours(24)), now, default));

        var busy = await client.PostAsJsonAsync("/orders", Orders.Basket(restaurant, orderId));
        await busy.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(TimeSpan.FromSeconds(60), busy.Headers.RetryAfter?.Delta);
        Assert.Empty(await client.ListAllAsync("/orders"));

        app.Clock.Advance(TimeSpan.FromSeconds(61)); // the crashed request does not block the key forever
        await (await client.PostAsJsonAsync("/orders", Orders.Basket(restaurant, orderId))).ReadJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task After_24_hours_the_record_is_gone_and_the_order_itself_answers_the_same_request()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var basket = Orders.Basket(restaurant);
        var placed = await (await client.PostAsJsonAsync("/orders", basket)).ReadJsonAsync(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        using var later = await customer.SignInAgainAsync();
        var late = await later.PostAsJsonAsync("/orders", basket);
        Assert.Equal(placed.ToJsonString(), (await late.ReadJsonAsync(HttpStatusCode.Created)).ToJsonString()); // the same order, not a second
        Assert.Equal("true", late.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single(await later.ListAllAsync("/orders"));
    }

    [Fact]
    public async Task A_retry_after_the_first_attempt_died_with_its_order_stored_gets_that_order()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var orderId = Guid.NewGuid().ToString();
        var basket = Orders.Basket(restaurant, orderId);
        var placed = await (await client.PostAsJsonAsync("/orders", basket)).ReadJsonAsync(HttpStatusCode.Created);
        // Later an attempt claimed the key and died before answering (the process was killed): its record stays in flight.
        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var store = app.Services.GetRequiredService<IIdempotencyStore>();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        Assert.Null(await store.TryHoldAsync(
            new IdempotencyRecord($"{customer.Id}|/orders|resource {orderId}", "-", "lease", now.AddSeconds(60), now.AddHours(24)), now, default));
        using var later = await customer.SignInAgainAsync();
        await (await later.PostAsJsonAsync("/orders", basket)).AssertProblemAsync(HttpStatusCode.Conflict); // still in flight: retry shortly

        app.Clock.Advance(TimeSpan.FromSeconds(61)); // the dead attempt's lease has lapsed: the retry runs, and meets its order
        var retry = await later.PostAsJsonAsync("/orders", basket);
        Assert.Equal(placed.ToJsonString(), (await retry.ReadJsonAsync(HttpStatusCode.Created)).ToJsonString());
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        var replay = await later.PostAsJsonAsync("/orders", basket); // and from now on the record replays it
        Assert.Equal(placed.ToJsonString(), (await replay.ReadJsonAsync(HttpStatusCode.Created)).ToJsonString());
        Assert.Single(await later.ListAllAsync("/orders"));

        var changed = Orders.Basket(restaurant, orderId, items: [new { menuItemId = restaurant.TiramisuId, quantity = 1 }]);
        app.Clock.Advance(TimeSpan.FromHours(25)); // no record left: the order itself refuses a different request for its id
        using var latest = await customer.SignInAgainAsync();
        await (await latest.PostAsJsonAsync("/orders", changed)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Thirty_two_identical_concurrent_requests_create_exactly_one_order()
    {
        var restaurant = await app.NewRestaurantAsync();
        using var client = (await app.NewUserAsync()).Client();
        var basket = Orders.Basket(restaurant);
        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => client.PostAsJsonAsync("/orders", basket)));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.Single(created, r => !r.Headers.Contains("Idempotent-Replayed"));
        Assert.Single(await client.ListAllAsync("/orders"));
        // Once the first has finished, every retry is a replay.
        var retry = await client.PostAsJsonAsync("/orders", basket);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Keys_belong_to_the_caller()
    {
        var restaurant = await app.NewRestaurantAsync();
        using var first = (await app.NewUserAsync()).Client();
        using var second = (await app.NewUserAsync()).Client();
        var basket = Orders.Basket(restaurant);
        await (await first.PostAsJsonAsync("/orders", basket)).ReadJsonAsync(HttpStatusCode.Created);
        var theirs = await second.PostAsJsonAsync("/orders", basket);
        await theirs.AssertProblemAsync(HttpStatusCode.Conflict); // not a replay of someone else's order
        Assert.False(theirs.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task The_idempotency_key_header_takes_precedence_and_is_checked()
    {
        var restaurant = await app.NewRestaurantAsync();
        using var client = (await app.NewUserAsync()).Client();
        client.DefaultRequestHeaders.Add("Idempotency-Key", "checkout-42");
        await (await client.PostAsJsonAsync("/orders", Orders.Basket(restaurant))).ReadJsonAsync(HttpStatusCode.Created);
        await (await client.PostAsJsonAsync("/orders", Orders.Basket(restaurant))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        using var bad = app.As(client.DefaultRequestHeaders.Authorization!.Parameter!);
        bad.DefaultRequestHeaders.Add("Idempotency-Key", new string('k', 256));
        await (await bad.PostAsJsonAsync("/orders", Orders.Basket(restaurant))).AssertFieldErrorAsync("Idempotency-Key");
        Assert.Single(await client.ListAllAsync("/orders"));
    }

#if !AWS_BACKENDS
    [Fact]
    public async Task An_order_keyed_by_its_id_is_its_own_record_and_one_keyed_by_the_header_stores_its_answer()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var database = app.Services.GetRequiredService<Tavolo.Storage.Sqlite.SqliteDatabase>();
        async Task<long> RecordsAsync()
        {
            await using var connection = await database.OpenAsync();
            return (long)(await Tavolo.Storage.Sqlite.Sql.ScalarAsync(connection,
                "SELECT COUNT(*) FROM idempotency_records WHERE key LIKE $user || '|%';", default, ("$user", customer.Id)))!;
        }

        var basket = Orders.Basket(restaurant);
        await (await client.PostAsJsonAsync("/orders", basket)).ReadJsonAsync(HttpStatusCode.Created);
        var replay = await client.PostAsJsonAsync("/orders", basket);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(0, await RecordsAsync()); // the order keeps the request's fingerprint: nothing else is written

        client.DefaultRequestHeaders.Add("Idempotency-Key", "checkout-" + Guid.NewGuid());
        await (await client.PostAsJsonAsync("/orders", Orders.Basket(restaurant))).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, await RecordsAsync()); // a header's key is not the order's: its answer is kept, with the order
        Assert.Equal(2, (await client.ListAllAsync("/orders")).Count);
    }
#endif

    [Fact]
    public async Task Promo_codes_opt_in_through_the_header()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        var body = new { ownerId = owner.Id, discountPercentage = 10, expiresAt = DateTime.UtcNow.AddYears(1), description = "Header key" };
        using var keyed = new HttpRequestMessage(HttpMethod.Post, "/promo-codes") { Content = JsonContent.Create(body) };
        keyed.Headers.Add("Idempotency-Key", "promo-1");
        var created = await (await client.SendAsync(keyed)).ReadJsonAsync(HttpStatusCode.Created);
        using var again = new HttpRequestMessage(HttpMethod.Post, "/promo-codes") { Content = JsonContent.Create(body) };
        again.Headers.Add("Idempotency-Key", "promo-1");
        var replay = await client.SendAsync(again);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal((string)created["code"]!, (string)(await replay.ReadJsonAsync(HttpStatusCode.Created))["code"]!); // not a second generated code
        Assert.Single(await client.ListAllAsync("/promo-codes"));
    }
}

/// <summary>The app with its EMF metric lines captured instead of written to stdout.</summary>
public sealed class MetricsApp : TavoloApp
{
    private readonly StringWriter _lines = new();

    public TextWriter Lines { get; }

    public MetricsApp() => Lines = TextWriter.Synchronized(_lines);

    public IReadOnlyList<JsonObject> Metrics() =>
        _lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton(sp => new EmfMetrics(sp.GetRequiredService<TimeProvider>(), Lines)));
    }
}

public sealed class OrderMetricsTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task Each_created_order_writes_one_EMF_line_and_a_replay_writes_none()
    {
        var restaurant = await app.NewRestaurantAsync();
        using var client = (await app.NewUserAsync()).Client();
        var basket = Orders.Basket(restaurant);
        await (await client.PostAsJsonAsync("/orders", basket)).ReadJsonAsync(HttpStatusCode.Created);
        await (await client.PostAsJsonAsync("/orders", basket)).ReadJsonAsync(HttpStatusCode.Created);
        await (await client.PostAsJsonAsync("/orders", Orders.Basket(restaurant with { User = restaurant.User with { Id = "nobody" } }))).AssertFieldErrorAsync("restaurantId");

        var line = Assert.Single(app.Metrics());
        Assert.Equal("orders", (string)line["Service"]!);
        Assert.Equal(1, (int)line["SuccessfulOrder"]!);
        Assert.Equal(28.99m, (decimal)line["OrderTotal"]!);
        var directive = line["_aws"]!["CloudWatchMetrics"]![0]!;
        Assert.Equal("Tavolo", (string)directive["Namespace"]!);
        Assert.Equal("Service", (string)directive["Dimensions"]![0]![0]!);
        Assert.Equal(["SuccessfulOrder", "OrderTotal"], directive["Metrics"]!.AsArray().Select(m => (string)m!["Name"]!));
        Assert.Equal(app.Clock.GetUtcNow().ToUnixTimeMilliseconds(), (long)line["_aws"]!["Timestamp"]!);
    }
}
