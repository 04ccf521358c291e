using System.Globalization;

namespace Tavolo.Platform;

/// <summary>
/// The position inside a list sorted by time, then id: <c>time|id</c>, the time in round-trip form. One encoding for
/// every such list (orders, waitees, promo codes by date), signed and scoped by <see cref="Cursors"/>.
/// </summary>
public static class TimeIdCursor
{
    public static string Encode(DateTimeOffset time, string id) =>
        time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) + "|" + id;

    /// <summary>False when <paramref name="position"/> is not a <c>time|id</c> made by <see cref="Encode"/>.</summary>
    public static bool TryDecode(string position, out DateTimeOffset time, out string id)
    {
        time = default;
        id = "";
        var bar = position.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || bar == position.Length - 1
            || !DateTime.TryParseExact(position[..bar], "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
            return false;
        time = new DateTimeOffset(at.ToUniversalTime());
        id = position[(bar + 1)..];
        return true;
    }
}
