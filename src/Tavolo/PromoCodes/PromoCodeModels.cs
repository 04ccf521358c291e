using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Tavolo.Platform;

namespace Tavolo.PromoCodes;

public sealed record PromoCodeView(
    string Code, string OwnerId, string OwnerName, string CreatedBy, string? RestaurantId, int DiscountPercentage, DateTime ExpiresAt, string Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxRedemptions,
    int Redemptions, DateTime CreatedAt, DateTime UpdatedAt)
{
    /// <summary>The view of a code with its customer's name (read when shown; a deleted account: "Deleted customer").</summary>
    public static PromoCodeView From(PromoCode c, string ownerName) => new(
        c.Code, c.OwnerId, ownerName, c.CreatedBy, c.RestaurantId, c.DiscountPercentage, c.ExpiresAt, c.Description, c.MaxRedemptions, c.Redemptions,
        c.CreatedAt, c.UpdatedAt);
}

/// <summary>
/// A new code (<c>code</c> generated when absent; <c>restaurantId</c>: where it may be used), or with <c>code</c> and
/// <c>restaurantId</c> ignored, the full replacement of PUT.
/// </summary>
public sealed record PromoCodeRequest(
    string? Code, string? OwnerId, int? DiscountPercentage, DateTime? ExpiresAt, string? Description, int? MaxRedemptions,
    string? RestaurantId = null, string? OwnerEmail = null) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        if (Code is not null && !PromoCodeRules.IsWellFormed(Code))
            errors.Add("code", "Must be 4 to 32 of A–Z, 0–9 and -.");
        if ((OwnerId is null) == (OwnerEmail is null))
            errors.Add(OwnerId is null ? "ownerId" : "ownerEmail", "Give ownerId or ownerEmail (the customer who may use the code): exactly one.");
        else if (OwnerId is not null)
            errors.Text("ownerId", OwnerId, 1, 64);
        else
            Users.UserRules.Email(errors, OwnerEmail);
        errors.Range("discountPercentage", DiscountPercentage, 1, 100);
        if (ExpiresAt is null)
            errors.Add("expiresAt", "Required.");
        else if (ExpiresAt.Value.Kind == DateTimeKind.Unspecified)
            errors.Add("expiresAt", "Must carry a time zone (Z or an offset).");
        errors.Text("description", Description, 1, 500);
        errors.Range("maxRedemptions", MaxRedemptions, 1, int.MaxValue, required: false);
        errors.Text("restaurantId", RestaurantId, 1, 64, required: false);
    }
}

/// <summary><c>?restaurantId=</c> of validate: check the code for an order with that restaurant.</summary>
public sealed record ValidateQuery : IValidatable
{
    public string? RestaurantId { get; init; }

    public void Validate(ValidationErrors errors) => errors.Text("restaurantId", RestaurantId, 1, 64, required: false);
}

public sealed record ValidateResult(
    string Code, bool Valid, string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? DiscountPercentage);

/// <summary>The back-office query string, bound as text so that every bad value gets a field error.</summary>
public sealed record PromoCodeListQuery : IValidatable
{
    public string? OwnerId { get; init; }

    public string? CreatedBy { get; init; }

    public string? RestaurantId { get; init; }

    public string? Active { get; init; }

    public string? MinDiscount { get; init; }

    public string? MaxDiscount { get; init; }

    public string? ExpiresAfter { get; init; }

    public string? ExpiresBefore { get; init; }

    public string? Q { get; init; }

    public string? Sort { get; init; }

    public string? Limit { get; init; }

    public string? Cursor { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.OneOf("active", Active, ["true", "false"], required: false);
        var min = Percentage(errors, "minDiscount", MinDiscount);
        var max = Percentage(errors, "maxDiscount", MaxDiscount);
        if (min > max)
            errors.Add("minDiscount", "Must not be above maxDiscount.");
        Time(errors, "expiresAfter", ExpiresAfter);
        Time(errors, "expiresBefore", ExpiresBefore);
        errors.Text("q", Q, 1, 100, required: false);
        errors.Text("ownerId", OwnerId, 1, 64, required: false);
        errors.Text("createdBy", CreatedBy, 1, 64, required: false);
        errors.Text("restaurantId", RestaurantId, 1, 64, required: false);
        errors.OneOf("sort", Sort, PromoSort.All, required: false);
        PageLimit.Validate(Limit, errors);
    }

    /// <summary>The filter (call after <see cref="Validate"/> passed), narrowed to what the caller may see.</summary>
    public PromoCodeFilter ToFilter(IReadOnlyList<string>? visibleRestaurantIds, string? visibleOwnerId) => new(
        visibleRestaurantIds, visibleOwnerId, OwnerId, CreatedBy, Active is null ? null : Active == "true",
        Percentage(null, "", MinDiscount), Percentage(null, "", MaxDiscount), Time(null, "", ExpiresAfter), Time(null, "", ExpiresBefore),
        string.IsNullOrEmpty(Q) ? null : Q, Sort ?? PromoSort.Default, RestaurantId);

    /// <summary>What a cursor is bound to: the caller's view and every filter, so a cursor cannot cross lists.</summary>
    public string Scope(PromoCodeFilter filter) => string.Join('|',
        "promo-codes", filter.VisibleRestaurantIds is null ? null : string.Join(',', filter.VisibleRestaurantIds), filter.VisibleOwnerId, OwnerId, CreatedBy, Active, MinDiscount, MaxDiscount,
        ExpiresAfter, ExpiresBefore, Q, filter.Sort, RestaurantId);

    private static int? Percentage(ValidationErrors? errors, string field, string? value)
    {
        if (value is null) return null;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 100)
            return number;
        errors?.Add(field, "Must be a whole number from 1 to 100.");
        return null;
    }

    private static DateTime? Time(ValidationErrors? errors, string field, string? value)
    {
        if (value is null) return null;
        if (DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            && time.Kind != DateTimeKind.Unspecified)
            return time.ToUniversalTime();
        errors?.Add(field, "Must be an ISO 8601 timestamp with a time zone, such as 2026-12-31T23:00:00Z.");
        return null;
    }
}

public static partial class PromoCodeRules
{
    // No 0/O or 1/I: generated codes are read aloud and typed in.
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static bool IsWellFormed(string code) => WellFormed().IsMatch(code);

    /// <summary>Promo-code times keep whole microseconds: PostgreSQL's precision, so every adapter returns the same value.</summary>
    public static DateTime Microseconds(DateTime time)
    {
        var utc = time.ToUniversalTime();
        return new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
    }

    /// <summary>Codes compare case-insensitively: stored and looked up upper-case.</summary>
    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    public static string Generate() =>
        string.Create(10, 0, (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = Alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(Alphabet.Length)];
        });

    [GeneratedRegex("^[A-Za-z0-9-]{4,32}$")]
    private static partial Regex WellFormed();
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PromoCodeView))]
[JsonSerializable(typeof(PromoCodeRequest))]
[JsonSerializable(typeof(Page<PromoCodeView>))]
[JsonSerializable(typeof(ValidateResult))]
internal sealed partial class PromoCodesJson : JsonSerializerContext;
