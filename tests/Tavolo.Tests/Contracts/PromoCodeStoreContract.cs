using Tavolo.PromoCodes;

namespace Tavolo.Tests.Contracts;

/// <summary>What every <see cref="IPromoCodeStore"/> adapter must do. Subclasses supply the adapter.</summary>
public abstract class PromoCodeStoreContract
{
    protected abstract IPromoCodeStore Store { get; }

    private static readonly DateTime T0 = new(2026, 11, 23, 18, 4, 5, DateTimeKind.Utc);

    private static PromoCode NewCode(string? owner = null, int discount = 10, int? max = null, DateTime? expires = null, string? creator = null,
        string description = "Autumn", DateTime? created = null, string? restaurant = "r1") =>
        new("C-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant(), owner ?? "owner-" + Guid.NewGuid().ToString("N"),
            creator ?? "creator", restaurant, discount, expires ?? T0.AddDays(30), description, max, 0, created ?? T0, created ?? T0);

    [Fact]
    public async Task A_code_round_trips_and_is_unique()
    {
        var code = NewCode(max: 3);
        Assert.True(await Store.CreateAsync(code, default));
        Assert.False(await Store.CreateAsync(code with { OwnerId = "other" }, default));
        Assert.Equal(code, await Store.FindAsync(code.Code, null, default));
        Assert.Null(await Store.FindAsync("NOPE-" + Guid.NewGuid().ToString("N"), null, default));
    }

    [Fact]
    public async Task Redeeming_checks_owner_expiry_and_the_maximum_and_counts_once_per_order()
    {
        var code = NewCode(owner: "u1", discount: 25, max: 2, expires: T0.AddHours(1));
        await Store.CreateAsync(code, default);
        Assert.Equal(PromoReason.NotFound, (await Store.RedeemAsync("MISSING-CODE", "u1", "o1", "r1", T0, default)).Refusal);
        Assert.Equal(PromoReason.NotOwner, (await Store.RedeemAsync(code.Code, "u2", "o1", "r1", T0, default)).Refusal);
        Assert.Equal(PromoReason.Expired, (await Store.RedeemAsync(code.Code, "u1", "o1", "r1", T0.AddHours(1), default)).Refusal);

        Assert.Equal(new Redemption(25, null, Counted: true), await Store.RedeemAsync(code.Code, "u1", "o1", "r1", T0, default));
        Assert.Equal(new Redemption(25, null, Counted: false), await Store.RedeemAsync(code.Code, "u1", "o1", "r1", T0, default));
        Assert.True((await Store.RedeemAsync(code.Code, "u1", "o2", "r1", T0, default)).Counted);
        Assert.Equal(PromoReason.Exhausted, (await Store.RedeemAsync(code.Code, "u1", "o3", "r1", T0, default)).Refusal);
        Assert.Equal(2, (await Store.FindAsync(code.Code, null, default))!.Redemptions);

        await Store.ReleaseAsync(code.Code, "o1", default);
        await Store.ReleaseAsync(code.Code, "o1", default); // twice: still one give-back
        await Store.ReleaseAsync(code.Code, "never-redeemed", default);
        Assert.Equal(1, (await Store.FindAsync(code.Code, null, default))!.Redemptions);
        Assert.True((await Store.RedeemAsync(code.Code, "u1", "o3", "r1", T0, default)).Succeeded);
    }

    [Fact]
    public async Task A_code_is_good_only_at_its_restaurant_and_a_code_without_one_everywhere()
    {
        var bound = NewCode(owner: "u1", restaurant: "r1");
        var everywhere = NewCode(owner: "u1", restaurant: null);
        await Store.CreateAsync(bound, default);
        await Store.CreateAsync(everywhere, default);
        Assert.Equal(PromoReason.WrongRestaurant, (await Store.RedeemAsync(bound.Code, "u1", "o1", "r2", T0, default)).Refusal);
        Assert.Equal(0, (await Store.FindAsync(bound.Code, null, default))!.Redemptions); // refused: nothing counted
        Assert.True((await Store.RedeemAsync(bound.Code, "u1", "o1", "r1", T0, default)).Counted);
        Assert.True((await Store.RedeemAsync(everywhere.Code, "u1", "o2", "r2", T0, default)).Counted);
        Assert.Null((await Store.FindAsync(everywhere.Code, null, default))!.RestaurantId);
    }

    [Fact]
    public async Task A_code_is_found_for_its_creator_and_its_owner_only()
    {
        var code = NewCode(owner: "u1", creator: "c1");
        await Store.CreateAsync(code, default);
        Assert.Equal(code, await Store.FindAsync(code.Code, "c1", default));
        Assert.Equal(code, await Store.FindAsync(code.Code, "u1", default));
        Assert.Null(await Store.FindAsync(code.Code, "someone-else", default));
    }

    [Fact]
    public async Task Concurrent_redemptions_never_pass_the_maximum()
    {
        var code = NewCode(owner: "u1", max: 5);
        await Store.CreateAsync(code, default);
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store.RedeemAsync(code.Code, "u1", "order-" + i, "r1", T0, default)));
        Assert.Equal(5, results.Count(r => r.Succeeded));
        Assert.Equal(5, (await Store.FindAsync(code.Code, null, default))!.Redemptions);
    }

    [Fact]
    public async Task An_update_cannot_set_the_maximum_below_the_redemptions_and_delete_removes()
    {
        var code = NewCode(owner: "u1", max: 5);
        await Store.CreateAsync(code, default);
        await Store.RedeemAsync(code.Code, "u1", "o1", "r1", T0, default);
        await Store.RedeemAsync(code.Code, "u1", "o2", "r1", T0, default);
        Assert.False(await Store.UpdateAsync(code with { MaxRedemptions = 1 }, default));
        var updated = code with { MaxRedemptions = 2, DiscountPercentage = 50, Description = "Changed", OwnerId = "u9", UpdatedAt = T0.AddMinutes(1) };
        Assert.True(await Store.UpdateAsync(updated, default));
        Assert.Equal(updated with { Redemptions = 2 }, await Store.FindAsync(code.Code, null, default));
        Assert.True(await Store.DeleteAsync(code.Code, default));
        Assert.False(await Store.DeleteAsync(code.Code, default));
        Assert.False(await Store.UpdateAsync(updated, default));
        await Store.ReleaseAsync(code.Code, "o1", default); // the code is gone: nothing to give back
    }

    [Fact]
    public async Task Lists_filter_sort_and_page_by_keyset()
    {
        var creator = "creator-" + Guid.NewGuid().ToString("N");
        var codes = new List<PromoCode>();
        for (var i = 0; i < 15; i++)
        {
            var code = NewCode(owner: i % 2 == 0 ? "even" : "odd", discount: (i % 4 * 20) + 5, max: i == 3 ? 1 : null,
                expires: T0.AddDays(i % 5), creator: creator, description: i % 3 == 0 ? "Lunch SPECIAL" : "Dinner", created: T0.AddSeconds(i / 3),
                restaurant: i % 2 == 0 ? "r-even" : null);
            codes.Add(code);
            await Store.CreateAsync(code, default);
        }
        await Store.RedeemAsync(codes[3].Code, "odd", "o", "r1", T0, default);
        codes[3] = codes[3] with { Redemptions = 1 };
        var now = T0.AddHours(12); // codes expiring at T0 (i % 5 == 0) have expired

        foreach (var sort in PromoSort.All)
        {
            Assert.Equal(Expected(codes, sort, _ => true), await PageAllAsync(new PromoCodeFilter(Sort: sort), 4, now));
            Assert.Equal(Expected(codes, sort, c => c.OwnerId == "even" && c.DiscountPercentage >= 25),
                await PageAllAsync(new PromoCodeFilter(OwnerId: "even", MinDiscount: 25, Sort: sort), 3, now));
            Assert.Equal(Expected(codes, sort, c => c.ExpiresAt > now && c.Redemptions < (c.MaxRedemptions ?? int.MaxValue)),
                await PageAllAsync(new PromoCodeFilter(Active: true, Sort: sort), 5, now));
            Assert.Equal(Expected(codes, sort, c => c.ExpiresAt <= now || c.Redemptions >= (c.MaxRedemptions ?? int.MaxValue)),
                await PageAllAsync(new PromoCodeFilter(Active: false, Sort: sort), 5, now));
        }
        Assert.Equal(Expected(codes, "-createdAt", c => c.Description.Contains("lunch", StringComparison.OrdinalIgnoreCase) && c.DiscountPercentage <= 45
                && c.ExpiresAt > T0.AddDays(1) && c.ExpiresAt < T0.AddDays(4)),
            await PageAllAsync(new PromoCodeFilter(Query: "lunch", MaxDiscount: 45, ExpiresAfter: T0.AddDays(1), ExpiresBefore: T0.AddDays(4)), 2, now));
        Assert.Equal(Expected(codes, "-createdAt", c => c.OwnerId == "odd"),
            await PageAllAsync(new PromoCodeFilter(VisibleOwnerId: "odd", CreatedBy: creator), 10, now));
        Assert.Empty(await Store.ListAsync(new PromoCodeFilter(Query: "100%_' OR 1=1 --"), null, 10, now, default));
        Assert.Equal(Expected(codes, "-createdAt", c => c.RestaurantId == "r-even"),
            await PageAllAsync(new PromoCodeFilter(RestaurantId: "r-even"), 3, now));
    }

    private static List<string> Expected(IEnumerable<PromoCode> codes, string sort, Func<PromoCode, bool> where)
    {
        Func<PromoCode, IComparable> key = PromoSort.Field(sort) switch
        {
            "expiresAt" => c => c.ExpiresAt,
            "discountPercentage" => c => c.DiscountPercentage,
            _ => c => c.CreatedAt,
        };
        var matching = codes.Where(where);
        var sorted = PromoSort.IsDescending(sort)
            ? matching.OrderByDescending(key).ThenByDescending(c => c.Code, StringComparer.Ordinal)
            : matching.OrderBy(key).ThenBy(c => c.Code, StringComparer.Ordinal);
        return sorted.Select(c => c.Code).ToList();
    }

    private async Task<List<string>> PageAllAsync(PromoCodeFilter filter, int limit, DateTime now)
    {
        var all = new List<string>();
        PromoPosition? after = null;
        while (true)
        {
            var page = await Store.ListAsync(filter, after, limit, now, default);
            all.AddRange(page.Select(c => c.Code));
            if (page.Count < limit)
                return all;
            after = PromoPosition.Parse(PromoPosition.Of(page[^1], filter.Sort).Format(), filter.Sort);
        }
    }
}
