using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tavolo.Tests.Orders;

using Tavolo.Tests.Restaurants;

namespace Tavolo.Tests.PromoCodes;

public sealed class PromoCodeApiTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private static object Terms(string ownerId, string? code = null, int discount = 20, int? maxRedemptions = null, DateTime? expiresAt = null) =>
        new { code, ownerId, discountPercentage = discount, expiresAt = expiresAt ?? DateTime.UtcNow.AddYears(1), description = "Autumn menu", maxRedemptions };

    [Fact]
    public async Task An_owner_issues_a_code_stored_upper_case_and_found_in_any_case()
    {
        var owner = await app.NewUserAsync("owner");
        var customer = await app.NewUserAsync();
        using var client = owner.Client();
        var code = "autumn-" + Guid.NewGuid().ToString("N")[..8];
        var response = await client.PostAsJsonAsync("/promo-codes", Terms(customer.Id, code, maxRedemptions: 3));
        var promo = await response.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(code.ToUpperInvariant(), (string)promo["code"]!);
        Assert.Equal($"/promo-codes/{code.ToUpperInvariant()}", response.Headers.Location?.ToString());
        Assert.Equal(customer.Id, (string)promo["ownerId"]!);
        Assert.Equal(owner.Id, (string)promo["createdBy"]!);
        Assert.Equal(20, (int)promo["discountPercentage"]!);
        Assert.Equal(3, (int)promo["maxRedemptions"]!);
        Assert.Equal(0, (int)promo["redemptions"]!);
        Assert.Equal("Autumn menu", (string)promo["description"]!);
        var found = await (await client.GetAsync($"/promo-codes/{code.ToLowerInvariant()}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(promo.ToJsonString(), found.ToJsonString());
        await (await client.PostAsJsonAsync("/promo-codes", Terms(customer.Id, code.ToLowerInvariant()))).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_code_is_generated_when_none_is_given_and_unlimited_codes_omit_the_maximum()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        var promo = await (await client.PostAsJsonAsync("/promo-codes", Terms(owner.Id))).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Matches("^[A-HJ-NP-Z2-9]{10}$", (string)promo["code"]!);
        Assert.False(promo.ContainsKey("maxRedemptions"));
    }

    public static TheoryData<string, string> BadTerms => new()
    {
        { """{"code": "ab", "ownerId": "O", "discountPercentage": 10, "expiresAt": "2099-01-01T00:00:00Z", "description": "d"}""", "code" },
        { """{"code": "has space", "ownerId": "O", "discountPercentage": 10, "expiresAt": "2099-01-01T00:00:00Z", "description": "d"}""", "code" },
        { """{"code": "ÄÖÜÄÖ", "ownerId": "O", "discountPercentage": 10, "expiresAt": "2099-01-01T00:00:00Z", "description": "d"}""", "code" },
        { """{"ownerId": "O", "discountPercentage": 0, "expiresAt": "2099-01-01T00:00:00Z", "description": "d"}""", "discountPercentage" },
        { """{"ownerId": "O", "discountPercentage": 101, "expiresAt": "2099-01-01T00:00:00Z", "description": "d"}""", "discountPercentage" },
        { """{"ownerId": "O", "discountPercentage": "ten", "expiresAt": "2099-01-01T00:00:00Z", "description": "d"}""", "discountPercentage" },
        { """{"ownerId": "O", "discountPercentage": 10, "expiresAt": "2020-01-01T00:00:00Z", "description": "d"}""", "expiresAt" },
        { """{"ownerId": "O", "discountPercentage": 10, "expiresAt": "2099-01-01T00:00:00", "description": "d"}""", "expiresAt" },
        { """{"ownerId": "O", "discountPercentage": 10, "expiresAt": "soon", "description": "d"}""", "expiresAt" },
        { """{"ownerId": "O", "discountPercentage": 10, "description": "d"}""", "expiresAt" },
        { """{"ownerId": "O", "discountPercentage": 10, "expiresAt": "2099-01-01T00:00:00Z", "description": "LONG"}""", "description" },
        { """{"ownerId": "O", "discountPercentage": 10, "expiresAt": "2099-01-01T00:00:00Z"}""", "description" },
        { """{"ownerId": "O", "discountPercentage": 10, "expiresAt": "2099-01-01T00:00:00Z", "description": "d", "maxRedemptions": 0}""", "maxRedemptions" },
        { """{"ownerId": "no-such-user", "discountPercentage": 10, "expiresAt": "2099-01-01T00:00:00Z", "description": "d"}""", "ownerId" },
        { """{"discountPercentage": 10, "expiresAt": "2099-01-01T00:00:00Z", "description": "d"}""", "ownerId" },
        { """[1, 2]""", "body" },
    };

    [Theory]
    [MemberData(nameof(BadTerms))]
    public async Task Bad_terms_get_a_field_error_and_write_nothing(string body, string field)
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        body = body.Replace("\"O\"", $"\"{owner.Id}\"", StringComparison.Ordinal).Replace("LONG", new string('x', 501), StringComparison.Ordinal);
        await (await client.PostAsync("/promo-codes", HttpAssertions.Json(body))).AssertFieldErrorAsync(field);
        Assert.Empty(await client.ListAllAsync("/promo-codes"));
    }

    [Fact]
    public async Task Customers_cannot_issue_codes()
    {
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        await (await client.PostAsJsonAsync("/promo-codes", Terms(customer.Id))).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_creator_and_an_admin_manage_a_code_its_owner_only_reads_it_and_others_do_not_see_it()
    {
        var creator = await app.NewUserAsync("owner");
        var user = await app.NewUserAsync();
        using var client = creator.Client();
        var code = (string)(await (await client.PostAsJsonAsync("/promo-codes", Terms(user.Id))).ReadJsonAsync(HttpStatusCode.Created))["code"]!;

        using var owner = user.Client();
        await (await owner.GetAsync($"/promo-codes/{code}")).ReadJsonAsync(HttpStatusCode.OK);
        await (await owner.PutAsJsonAsync($"/promo-codes/{code}", Terms(user.Id, discount: 100))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await owner.DeleteAsync($"/promo-codes/{code}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        foreach (var stranger in new[] { await app.NewUserAsync(), await app.NewUserAsync("owner") })
        {
            using var c = stranger.Client();
            await (await c.GetAsync($"/promo-codes/{code}")).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await c.PutAsJsonAsync($"/promo-codes/{code}", Terms(stranger.Id))).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await c.DeleteAsync($"/promo-codes/{code}")).AssertProblemAsync(HttpStatusCode.NotFound);
        }

        app.Clock.Advance(TimeSpan.FromSeconds(5));
        var updated = await (await client.PutAsJsonAsync($"/promo-codes/{code.ToLowerInvariant()}", Terms(user.Id, discount: 35, maxRedemptions: 9)))
            .ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(35, (int)updated["discountPercentage"]!);
        Assert.Equal(9, (int)updated["maxRedemptions"]!);
        Assert.True((DateTime)updated["updatedAt"]! > (DateTime)updated["createdAt"]!);
        await (await client.PutAsJsonAsync($"/promo-codes/{code}", Terms(user.Id, discount: 0))).AssertFieldErrorAsync("discountPercentage");

        using var admin = (await app.AdminAsync()).Client();
        await (await admin.PutAsJsonAsync($"/promo-codes/{code}", Terms(user.Id, discount: 40))).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/promo-codes/{code}")).StatusCode);
        await (await client.GetAsync($"/promo-codes/{code}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync($"/promo-codes/{code}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Validation_gives_each_reason_for_the_caller()
    {
        var creator = await app.NewRestaurantAsync();
        var user = await app.NewUserAsync();
        using var issuer = creator.Client();
        using var client = user.Client();
        var valid = (string)(await issuer.NewPromoAsync(user.Id, discount: 25))["code"]!;
        var single = (string)(await issuer.NewPromoAsync(user.Id, maxRedemptions: 1))["code"]!;
        var shortLived = (string)(await issuer.NewPromoAsync(user.Id, expiresAt: app.Clock.GetUtcNow().UtcDateTime.AddMinutes(5)))["code"]!;

        async Task<JsonObject> Check(HttpClient c, string code) =>
            await (await c.PostAsync($"/promo-codes/{code}/validate", null)).ReadJsonAsync(HttpStatusCode.OK);

        var ok = await Check(client, valid.ToLowerInvariant());
        Assert.Equal(valid, (string)ok["code"]!);
        Assert.True((bool)ok["valid"]!);
        Assert.Null(ok["reason"]);
        Assert.Equal(25, (int)ok["discountPercentage"]!);

        var missing = await Check(client, "NO-SUCH-CODE");
        Assert.False((bool)missing["valid"]!);
        Assert.Equal("NOT_FOUND", (string)missing["reason"]!);
        Assert.False(missing.ContainsKey("discountPercentage"));
        Assert.Equal("NOT_FOUND", (string)(await Check(client, "x"))["reason"]!);

        using var someoneElse = (await app.NewUserAsync()).Client();
        Assert.Equal("NOT_OWNER", (string)(await Check(someoneElse, valid))["reason"]!);

        await client.PlaceAsync(creator, single);
        Assert.Equal("EXHAUSTED", (string)(await Check(client, single))["reason"]!);

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        using var later = await user.SignInAgainAsync();
        Assert.Equal("EXPIRED", (string)(await Check(later, shortLived))["reason"]!);
    }

    [Fact]
    public async Task Twenty_concurrent_orders_on_a_code_with_five_redemptions_succeed_exactly_five_times()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var issuer = restaurant.Client();
        var code = (string)(await issuer.NewPromoAsync(customer.Id, maxRedemptions: 5))["code"]!;
        using var client = customer.Client();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.PostAsJsonAsync("/orders", Orders.Orders.Basket(restaurant, promoCode: code))));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.AssertFieldErrorAsync("promoCode");
        Assert.Equal(5, (await client.ListAllAsync("/orders")).Count);
        Assert.Equal(5, (int)(await (await issuer.GetAsync($"/promo-codes/{code}")).ReadJsonAsync(HttpStatusCode.OK))["redemptions"]!);
    }

    [Fact]
    public async Task Canceled_and_edited_orders_give_their_redemption_back()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var issuer = restaurant.Client();
        var first = (string)(await issuer.NewPromoAsync(customer.Id, discount: 10, maxRedemptions: 1))["code"]!;
        var second = (string)(await issuer.NewPromoAsync(customer.Id, discount: 50, maxRedemptions: 1))["code"]!;
        using var client = customer.Client();
        async Task<int> Redemptions(string code) =>
            (int)(await (await issuer.GetAsync($"/promo-codes/{code}")).ReadJsonAsync(HttpStatusCode.OK))["redemptions"]!;

        var order = await client.PlaceAsync(restaurant, first);
        var id = (string)order["orderId"]!;
        Assert.Equal(1, await Redemptions(first));
        await (await client.PostAsJsonAsync("/orders", Orders.Orders.Basket(restaurant, promoCode: first))).AssertFieldErrorAsync("promoCode");

        var pasta = (string)(await issuer.AddDishAsync(restaurant.Id, "Pasta", 10m))["id"]!;
        var items = new[] { new { menuItemId = pasta, quantity = 2 } };
        var switched = await (await client.PutAsJsonAsync($"/orders/{id}", new { items, promoCode = second })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(10m, (decimal)switched["total"]!);
        Assert.Equal((0, 1), (await Redemptions(first), await Redemptions(second)));

        // An edit to an exhausted code is refused and changes nothing.
        await client.PlaceAsync(restaurant, first);
        await (await client.PutAsJsonAsync($"/orders/{id}", new { items, promoCode = first })).AssertFieldErrorAsync("promoCode");
        Assert.Equal(second, (string)(await (await client.GetAsync($"/orders/{id}")).ReadJsonAsync(HttpStatusCode.OK))["promoCode"]!);

        var canceled = await (await client.DeleteAsync($"/orders/{id}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("CANCELED", (string)canceled["status"]!);
        Assert.Equal(0, await Redemptions(second));
    }

    [Fact]
    public async Task An_order_id_that_is_taken_neither_uses_a_redemption_nor_gives_back_the_one_its_order_holds()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var issuer = restaurant.Client();
        var code = (string)(await issuer.NewPromoAsync(customer.Id, maxRedemptions: 3))["code"]!;
        using var client = customer.Client();
        async Task<int> Redemptions() => (int)(await (await issuer.GetAsync($"/promo-codes/{code}")).ReadJsonAsync(HttpStatusCode.OK))["redemptions"]!;
        async Task<HttpResponseMessage> PostWithKeyAsync(object body)
        {
            // A fresh Idempotency-Key, so the request reaches the handler instead of the replay of the first one.
            using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return await client.SendAsync(request);
        }

        var withCode = Orders.Orders.Basket(restaurant, promoCode: code);
        await (await client.PostAsJsonAsync("/orders", withCode)).ReadJsonAsync(HttpStatusCode.Created);
        await (await PostWithKeyAsync(withCode)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await Redemptions()); // still held by the order that has it

        var orderId = Guid.NewGuid().ToString();
        await (await client.PostAsJsonAsync("/orders", Orders.Orders.Basket(restaurant, orderId))).ReadJsonAsync(HttpStatusCode.Created);
        await (await PostWithKeyAsync(Orders.Orders.Basket(restaurant, orderId, promoCode: code))).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await Redemptions()); // the refused order took none
    }

    [Fact]
    public async Task The_maximum_cannot_go_below_what_was_already_redeemed()
    {
        var restaurant = await app.NewRestaurantAsync();
        var customer = await app.NewUserAsync();
        using var issuer = restaurant.Client();
        var code = (string)(await issuer.NewPromoAsync(customer.Id, maxRedemptions: 5))["code"]!;
        using var client = customer.Client();
        await client.PlaceAsync(restaurant, code);
        await client.PlaceAsync(restaurant, code);
        await (await issuer.PutAsJsonAsync($"/promo-codes/{code}", Terms(customer.Id, maxRedemptions: 1))).AssertProblemAsync(HttpStatusCode.Conflict);
        var exhausted = await (await issuer.PutAsJsonAsync($"/promo-codes/{code}", Terms(customer.Id, maxRedemptions: 2))).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)exhausted["redemptions"]!);
        await (await client.PostAsJsonAsync("/orders", Orders.Orders.Basket(restaurant, promoCode: code))).AssertFieldErrorAsync("promoCode");
    }
}
