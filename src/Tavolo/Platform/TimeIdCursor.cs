using System.Globalization;

namespace Tavolo.Platform;

/// <summary>
/// The position text of a list kept in (time, id) order — waitees by join time, orders by creation time: the time in
/// round-trip form, a bar, the id (ids never need escaping: only the first bar splits). The position goes inside a
/// signed cursor (<see cref="Cursors"/>); decoding still checks its shape, since the signature only proves we made it.
/// </summary>
public static class TimeIdCursor
{
    public static string Encode(DateTime time, string id) =>
        time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) + "|" + id;

    /// <summary>False when the text is not a time, a bar and a non-empty id.</summary>
    public static bool TryDecode(string position, out (DateTime Time, string Id) value)
    {
        value = default;
        var bar = position.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || bar == position.Length - 1
            || !DateTime.TryParseExact(position.AsSpan(0, bar), "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
            return false;
        value = (time.ToUniversalTime(), position[(bar + 1)..]);
        return true;
    }
}
