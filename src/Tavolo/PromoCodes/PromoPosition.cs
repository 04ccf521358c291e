using System.Globalization;
using Tavolo.Platform;

namespace Tavolo.PromoCodes;

/// <summary>Sort keys of the back-office list (a leading <c>-</c> means descending); the code breaks ties.</summary>
public static class PromoSort
{
    public const string Default = "-createdAt";

    public static readonly string[] All = ["expiresAt", "-expiresAt", "discountPercentage", "-discountPercentage", "createdAt", "-createdAt"];

    public static bool IsDescending(string sort) => sort.StartsWith('-');

    public static string Field(string sort) => sort.TrimStart('-');
}

/// <summary>Where the last page ended: the sort value of its last row and that row's code.</summary>
public sealed record PromoPosition(object SortValue, string Code)
{
    public static PromoPosition Of(PromoCode code, string sort) => new(PromoSort.Field(sort) switch
    {
        "expiresAt" => code.ExpiresAt,
        "discountPercentage" => code.DiscountPercentage,
        _ => (object)code.CreatedAt,
    }, code.Code);

    /// <summary>The cursor text: <c>time|code</c> (<see cref="TimeIdCursor"/>) for the time sorts, <c>discount|code</c> otherwise.</summary>
    public string Format() => SortValue is DateTime time
        ? TimeIdCursor.Encode(time, Code)
        : Convert.ToString(SortValue, CultureInfo.InvariantCulture) + "|" + Code;

    public static PromoPosition? Parse(string text, string sort)
    {
        if (PromoSort.Field(sort) != "discountPercentage")
            return TimeIdCursor.TryDecode(text, out var time, out var id) ? new(time.UtcDateTime, id) : null;
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && int.TryParse(text[..bar], NumberStyles.None, CultureInfo.InvariantCulture, out var discount)
            ? new(discount, text[(bar + 1)..]) : null;
    }
}
