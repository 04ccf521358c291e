using System.Globalization;

namespace Tavolo.PromoCodes;

/// <summary>A promo code: <c>OwnerId</c> may use it, <c>CreatedBy</c> (an owner or admin) manages it.</summary>
public sealed record PromoCode(
    string Code, string OwnerId, string CreatedBy, int DiscountPercentage, DateTime ExpiresAt, string Description,
    int? MaxRedemptions, int Redemptions, DateTime CreatedAt, DateTime UpdatedAt)
{
    public bool IsExpired(DateTime now) => ExpiresAt <= now;

    public bool IsExhausted => MaxRedemptions is { } max && Redemptions >= max;

    /// <summary>Why <paramref name="userId"/> cannot use this code now (checked in this order), or null when it can.</summary>
    public string? RefusalFor(string userId, DateTime now) =>
        OwnerId != userId ? PromoReason.NotOwner
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

/// <summary>Sort keys of the back-office list (a leading <c>-</c> means descending); the code breaks ties.</summary>
public static class PromoSort
{
    public const string Default = "-createdAt";

    public static readonly string[] All = ["expiresAt", "-expiresAt", "discountPercentage", "-discountPercentage", "createdAt", "-createdAt"];

    public static bool IsDescending(string sort) => sort.StartsWith('-');

    public static string Field(string sort) => sort.TrimStart('-');
}

/// <summary>
/// A back-office query: the filters of API.md plus the caller's visibility (<c>VisibleCreatedBy</c>,
/// <c>VisibleOwnerId</c>: an owner sees what it created, a customer what it may use, an admin everything).
/// </summary>
public sealed record PromoCodeFilter(
    string? VisibleCreatedBy = null, string? VisibleOwnerId = null,
    string? OwnerId = null, string? CreatedBy = null, bool? Active = null, int? MinDiscount = null, int? MaxDiscount = null,
    DateTime? ExpiresAfter = null, DateTime? ExpiresBefore = null, string? Query = null, string Sort = PromoSort.Default);

/// <summary>Where the last page ended: the sort value of its last row and that row's code.</summary>
public sealed record PromoPosition(object SortValue, string Code)
{
    public static PromoPosition Of(PromoCode code, string sort) => new(PromoSort.Field(sort) switch
    {
        "expiresAt" => code.ExpiresAt,
        "discountPercentage" => code.DiscountPercentage,
        _ => (object)code.CreatedAt,
    }, code.Code);

    /// <summary>The cursor text: <c>value|code</c>, times in round-trip form.</summary>
    public string Format() =>
        (SortValue is DateTime time ? time.ToString("O", CultureInfo.InvariantCulture) : Convert.ToString(SortValue, CultureInfo.InvariantCulture)) + "|" + Code;

    public static PromoPosition? Parse(string text, string sort)
    {
        var bar = text.LastIndexOf('|');
        if (bar <= 0) return null;
        var (value, code) = (text[..bar], text[(bar + 1)..]);
        if (PromoSort.Field(sort) == "discountPercentage")
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var discount) ? new(discount, code) : null;
        return DateTime.TryParseExact(value, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? new(time.ToUniversalTime(), code) : null;
    }
}

/// <summary>The promo codes port (SQLite locally, PostgreSQL on AWS).</summary>
public interface IPromoCodeStore
{
    /// <summary>Adds a code; false when the code is taken.</summary>
    Task<bool> CreateAsync(PromoCode code, CancellationToken cancellationToken);

    Task<PromoCode?> FindAsync(string code, CancellationToken cancellationToken);

    /// <summary>The page after <paramref name="after"/> in the filter's sort order, the code breaking ties.</summary>
    Task<IReadOnlyList<PromoCode>> ListAsync(PromoCodeFilter filter, PromoPosition? after, int limit, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the editable fields (owner, discount, expiry, description, max redemptions). False when the code is
    /// gone, or when the new maximum is below the redemptions already made (checked in the same write).
    /// </summary>
    Task<bool> UpdateAsync(PromoCode code, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string code, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically checks the code for the user and counts one redemption for the order. Redeeming again for the
    /// same order succeeds without counting twice; with <c>maxRedemptions</c> reached it is refused and nothing changes.
    /// </summary>
    Task<Redemption> RedeemAsync(string code, string userId, string orderId, DateTime now, CancellationToken cancellationToken);

    /// <summary>Gives back the order's redemption of the code (a failed, edited or canceled order); no-op when there is none.</summary>
    Task ReleaseAsync(string code, string orderId, CancellationToken cancellationToken);
}
