namespace Tavolo.PromoCodes;

/// <summary>
/// A promo code: <c>OwnerId</c> may use it, <c>CreatedBy</c> (an owner or admin) manages it, and it is good only for
/// orders with <c>RestaurantId</c> (null: every restaurant — only an admin issues those).
/// </summary>
public sealed record PromoCode(
    string Code, string OwnerId, string CreatedBy, string? RestaurantId, int DiscountPercentage, DateTime ExpiresAt, string Description,
    int? MaxRedemptions, int Redemptions, DateTime CreatedAt, DateTime UpdatedAt)
{
    public bool IsExpired(DateTime now) => ExpiresAt <= now;

    public bool IsExhausted => MaxRedemptions is { } max && Redemptions >= max;

    /// <summary>
    /// Why <paramref name="userId"/> cannot use this code now for an order with <paramref name="restaurantId"/> (null:
    /// no particular restaurant), checked in this order; or null when it can.
    /// </summary>
    public string? RefusalFor(string userId, string? restaurantId, DateTime now) =>
        OwnerId != userId ? PromoReason.NotOwner
        : restaurantId is not null && RestaurantId is not null && RestaurantId != restaurantId ? PromoReason.WrongRestaurant
        : IsExpired(now) ? PromoReason.Expired
        : IsExhausted ? PromoReason.Exhausted
        : null;
}

public static class PromoReason
{
    public const string NotFound = "NOT_FOUND";
    public const string Expired = "EXPIRED";
    public const string NotOwner = "NOT_OWNER";
    public const string Exhausted = "EXHAUSTED";
    public const string WrongRestaurant = "WRONG_RESTAURANT";
}

/// <summary>
/// The outcome of redeeming a code for an order: the discount, or the reason it was refused. <c>Counted</c> says this
/// call took the redemption (false when the order already held it), so only that call should give it back on failure.
/// </summary>
public sealed record Redemption(int? DiscountPercentage, string? Refusal, bool Counted = false)
{
    public bool Succeeded => Refusal is null;

    public static Redemption Refused(string reason) => new(null, reason);
}

/// <summary>
/// A back-office query: the filters of API.md plus the caller's visibility (<c>VisibleOwnerId</c> and
/// <c>VisibleRestaurantIds</c>: a person sees the codes it may use and those of the restaurants whose codes it manages;
/// an admin, with neither set, everything).
/// </summary>
public sealed record PromoCodeFilter(
    IReadOnlyList<string>? VisibleRestaurantIds = null, string? VisibleOwnerId = null,
    string? OwnerId = null, string? CreatedBy = null, bool? Active = null, int? MinDiscount = null, int? MaxDiscount = null,
    DateTime? ExpiresAfter = null, DateTime? ExpiresBefore = null, string? Query = null, string Sort = PromoSort.Default,
    string? RestaurantId = null);
