using System.Globalization;

namespace Tavolo.Platform;

/// <summary>
/// How every adapter stores a time: fixed-width ISO 8601 UTC text (seven fractional digits), so that text order is time
/// order — SQLite's <c>ORDER BY</c> and range conditions, and DynamoDB's sort keys, rely on it.
/// </summary>
public static class SortableTime
{
    /// <summary>The round-trip ("O") format of a UTC time is exactly this shape, and .NET formats it on a fast path.</summary>
    public static string Format(DateTime value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The stored shape on the round-trip format's fast path (a UTC time); any other ISO 8601 text by the general parser.</summary>
    public static DateTime Parse(string text) =>
        text.Length == 28 && text[^1] == 'Z'
        && DateTime.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time
            : DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
