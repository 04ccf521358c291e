using System.Globalization;

namespace Tavolo.Platform;

/// <summary>
/// How every adapter stores a time: fixed-width ISO 8601 UTC text (seven fractional digits), so that text order is time
/// order — SQLite's <c>ORDER BY</c> and range conditions, and DynamoDB's sort keys, rely on it.
/// </summary>
public static class SortableTime
{
    public static string Format(DateTime value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTime Parse(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
