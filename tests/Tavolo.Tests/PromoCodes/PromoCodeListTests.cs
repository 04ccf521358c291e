using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tavolo.Tests.Orders;

using Tavolo.Tests.Restaurants;

namespace Tavolo.Tests.PromoCodes;

/// <summary>
/// One back office with 40 codes (ties in every sort key, some expired, some exhausted), and the expected answer of
/// every filter and sort computed here from what the test itself created.
/// </summary>
public sealed class BackOffice : TavoloApp, IAsyncLifetime
{
    public sealed record Code(string Value, string OwnerId, int Discount, DateTime ExpiresAt, string Description, DateTime CreatedAt, int? Max, int Redemptions)
    {
        public bool Active(DateTime now) => ExpiresAt > now && (Max is null || Redemptions < Max);
    }

    public TestUser Issuer { get; private set; } = null!;

    /// <summary>The issuer as a restaurant (its codes are good there only).</summary>
    public TestRestaurant Restaurant { get; private set; } = null!;

    public TestUser CustomerA { get; private set; } = null!;

    public TestUser CustomerB { get; private set; } = null!;

    public List<Code> Codes { get; } = [];

    public DateTime Start { get; private set; }

    public async Task InitializeAsync()
    {
        Restaurant = await this.NewRestaurantAsync();
        Issuer = Restaurant.User;
        CustomerA = await NewUserAsync();
        CustomerB = await NewUserAsync();
        Start = Clock.GetUtcNow().UtcDateTime;
        using var client = Issuer.Client();
        for (var i = 0; i < 40; i++)
        {
            var owner = i % 2 == 0 ? CustomerA : CustomerB;
            var expiresAt = i % 10 == 0 ? Start.AddHours(1) : Start.AddDays(1 + (i * 13 % 10)).AddSeconds(0.5);
            int? max = i % 7 == 3 ? 1 : null;
            var body = new
            {
                code = $"BO-{i:00}-{Guid.NewGuid().ToString("N")[..6]}",
                ownerId = owner.Id,
                discountPercentage = (i * 37 % 100) + 1,
                expiresAt,
                description = i % 3 == 0 ? $"Lunch deal {i}" : $"Dinner for two {i}",
                maxRedemptions = max,
            };
            var created = await (await client.PostAsJsonAsync("/promo-codes", body)).ReadJsonAsync(HttpStatusCode.Created);
            Codes.Add(new Code((string)created["code"]!, owner.Id, body.discountPercentage, expiresAt, body.description, (DateTime)created["createdAt"]!, max, 0));
            if (i % 4 != 0)
                Clock.Advance(TimeSpan.FromSeconds(1)); // every fourth pair shares a creation time
        }
        // Exhaust the single-use codes of customer A.
        for (var i = 0; i < Codes.Count; i++)
        {
            if (Codes[i] is { Max: 1 } c && c.OwnerId == CustomerA.Id)
            {
                using var customer = CustomerA.Client();
                await customer.PlaceAsync(Restaurant, c.Value);
                Codes[i] = c with { Redemptions = 1 };
            }
        }
        Clock.Advance(TimeSpan.FromHours(2)); // the 1-hour codes have expired
        Issuer = await SignInAgainAsync(Issuer); // and so have the access tokens
        CustomerA = await SignInAgainAsync(CustomerA);
        CustomerB = await SignInAgainAsync(CustomerB);
    }

    private async Task<TestUser> SignInAgainAsync(TestUser user) => user with { Tokens = await LoginAsync(user.Email, user.Password) };

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}

public sealed class PromoCodeListTests(BackOffice office) : IClassFixture<BackOffice>
{
    private static IOrderedEnumerable<BackOffice.Code> Sorted(IEnumerable<BackOffice.Code> codes, string sort)
    {
        Func<BackOffice.Code, IComparable> key = sort.TrimStart('-') switch
        {
            "expiresAt" => c => c.ExpiresAt,
            "discountPercentage" => c => c.Discount,
            _ => c => c.CreatedAt,
        };
        return sort.StartsWith('-')
            ? codes.OrderByDescending(key).ThenByDescending(c => c.Value, StringComparer.Ordinal)
            : codes.OrderBy(key).ThenBy(c => c.Value, StringComparer.Ordinal);
    }

    public static TheoryData<string> Sorts => new() { "expiresAt", "-expiresAt", "discountPercentage", "-discountPercentage", "createdAt", "-createdAt" };

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task Every_filter_in_every_sort_pages_to_exactly_the_expected_codes(string sort)
    {
        var now = office.Clock.GetUtcNow().UtcDateTime;
        var after = office.Start.AddDays(3);
        var before = office.Start.AddDays(7);
        var filters = new (string Query, Func<BackOffice.Code, bool> Expected)[]
        {
            ("", _ => true),
            ($"ownerId={office.CustomerA.Id}", c => c.OwnerId == office.CustomerA.Id),
            ($"createdBy={office.Issuer.Id}", _ => true),
            ("active=true", c => c.Active(now)),
            ("active=false", c => !c.Active(now)),
            ("minDiscount=30", c => c.Discount >= 30),
            ("maxDiscount=60", c => c.Discount <= 60),
            ("minDiscount=30&maxDiscount=60&active=true", c => c.Discount is >= 30 and <= 60 && c.Active(now)),
            ($"expiresAfter={Iso(after)}", c => c.ExpiresAt > after),
            ($"expiresBefore={Iso(before)}", c => c.ExpiresAt < before),
            ("q=LUNCH", c => c.Description.Contains("lunch", StringComparison.OrdinalIgnoreCase)),
            ("q=for%20two&minDiscount=50", c => c.Description.Contains("for two", StringComparison.Ordinal) && c.Discount >= 50),
        };
        using var client = office.Issuer.Client();
        foreach (var (query, expected) in filters)
        {
            var url = $"/promo-codes?sort={Uri.EscapeDataString(sort)}&limit=7" + (query.Length > 0 ? "&" + query : "");
            var listed = await client.ListAllAsync(url);
            var want = Sorted(office.Codes.Where(expected), sort).Select(c => c.Value).ToList();
            Assert.True(want.Count > 0 || query.Length > 0, "every filter should match something");
            Assert.Equal(want, listed.Select(c => (string)c["code"]!));
        }
    }

    [Fact]
    public async Task The_default_sort_is_newest_first()
    {
        using var client = office.Issuer.Client();
        var listed = await client.ListAllAsync("/promo-codes?limit=100");
        Assert.Equal(Sorted(office.Codes, "-createdAt").Select(c => c.Value), listed.Select(c => (string)c["code"]!));
    }

    [Fact]
    public async Task A_customer_sees_the_codes_it_may_use_and_an_admin_sees_all()
    {
        using var customer = office.CustomerB.Client();
        var mine = await customer.ListAllAsync("/promo-codes?sort=createdAt");
        Assert.Equal(Sorted(office.Codes.Where(c => c.OwnerId == office.CustomerB.Id), "createdAt").Select(c => c.Value), mine.Select(c => (string)c["code"]!));
        using var otherOwner = (await office.NewUserAsync("owner")).Client();
        Assert.Empty(await otherOwner.ListAllAsync("/promo-codes"));
        using var admin = (await office.AdminAsync()).Client();
        var all = await admin.ListAllAsync($"/promo-codes?createdBy={office.Issuer.Id}&sort=discountPercentage");
        Assert.Equal(Sorted(office.Codes, "discountPercentage").Select(c => c.Value), all.Select(c => (string)c["code"]!));
    }

    [Fact]
    public async Task Paging_stays_stable_while_codes_are_added_between_pages()
    {
        var owner = await office.NewUserAsync("owner");
        using var client = owner.Client();
        var random = new Random(7);
        var now = office.Clock.GetUtcNow().UtcDateTime;
        async Task<string> Add() => (string)(await client.NewPromoAsync(owner.Id, discount: random.Next(1, 101), expiresAt: now.AddDays(random.Next(1, 30))))["code"]!;
        var original = new List<string>();
        for (var i = 0; i < 20; i++)
            original.Add(await Add());

        foreach (var sort in new[] { "expiresAt", "-discountPercentage", "-createdAt" })
        {
            var seen = new List<string>();
            string? cursor = null;
            do
            {
                var url = $"/promo-codes?sort={sort}&limit=4" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
                var page = await (await client.GetAsync(url)).ReadJsonAsync(HttpStatusCode.OK);
                seen.AddRange(page["items"]!.AsArray().Select(c => (string)c!["code"]!));
                cursor = (string?)page["nextCursor"];
                await Add(); // inserted between pages, before or after the cursor
                office.Clock.Advance(TimeSpan.FromMilliseconds(10));
            }
            while (cursor is not null);
            Assert.Equal(seen.Count, seen.Distinct().Count()); // nothing repeated
            Assert.All(original, code => Assert.Contains(code, seen)); // nothing that was there all along skipped
        }
    }

    [Fact]
    public async Task Bad_filters_sorts_and_cursors_are_refused()
    {
        using var client = office.Issuer.Client();
        foreach (var (query, field) in new[]
        {
            ("sort=name", "sort"), ("sort=-code", "sort"), ("active=yes", "active"), ("minDiscount=0", "minDiscount"),
            ("maxDiscount=101", "maxDiscount"), ("minDiscount=abc", "minDiscount"), ("minDiscount=60&maxDiscount=30", "minDiscount"),
            ("expiresAfter=tomorrow", "expiresAfter"), ("expiresBefore=2026-12-01T00:00:00", "expiresBefore"), ("limit=101", "limit"),
            ("cursor=abc.def", "cursor"), ($"q={new string('q', 101)}", "q"),
        })
        {
            await (await client.GetAsync("/promo-codes?" + query)).AssertFieldErrorAsync(field);
        }
        var page = await (await client.GetAsync("/promo-codes?limit=2&sort=expiresAt")).ReadJsonAsync(HttpStatusCode.OK);
        var cursor = Uri.EscapeDataString((string)page["nextCursor"]!);
        await (await client.GetAsync($"/promo-codes?limit=2&sort=-expiresAt&cursor={cursor}")).AssertFieldErrorAsync("cursor");
        await (await client.GetAsync($"/promo-codes?limit=2&sort=expiresAt&active=true&cursor={cursor}")).AssertFieldErrorAsync("cursor");
        using var customer = office.CustomerA.Client();
        await (await customer.GetAsync($"/promo-codes?limit=2&sort=expiresAt&cursor={cursor}")).AssertFieldErrorAsync("cursor"); // another caller's list
        var tampered = (string)page["nextCursor"]!;
        tampered = (tampered[0] == 'A' ? "B" : "A") + tampered[1..];
        await (await client.GetAsync($"/promo-codes?limit=2&sort=expiresAt&cursor={Uri.EscapeDataString(tampered)}")).AssertFieldErrorAsync("cursor");
    }

    private static string Iso(DateTime time) => Uri.EscapeDataString(time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
}
