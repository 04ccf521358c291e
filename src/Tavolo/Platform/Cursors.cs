using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tavolo.Platform;

/// <summary>
/// Opaque, tamper-evident paging cursors: the position in a list plus an HMAC over the list's scope
/// (its name and filters) and the position. A forged cursor, or one from another list or filter, is refused.
/// </summary>
public sealed class Cursors(ServerSecret secret)
{
    private readonly byte[] _key = secret.DeriveKey("tavolo/cursor/v1");

    public string Encode(string scope, string position)
    {
        var payload = Encoding.UTF8.GetBytes(position);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Sign(scope, payload));
    }

    /// <summary>The position, or null when the cursor was not made by this server for this scope.</summary>
    public string? Decode(string scope, string cursor)
    {
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || cursor.Length > 1024)
            return null;
        try
        {
            var payload = Base64Url.DecodeFromChars(cursor.AsSpan(0, dot));
            var signature = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
            return CryptographicOperations.FixedTimeEquals(signature, Sign(scope, payload))
                ? Encoding.UTF8.GetString(payload)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private byte[] Sign(string scope, byte[] payload)
    {
        var scoped = Encoding.UTF8.GetBytes(scope + "\n").Concat(payload).ToArray();
        return HMACSHA256.HashData(_key, scoped)[..16];
    }
}

/// <summary><c>?limit=</c> of every list (bound as text, so that "abc" gets a field error like any other bad value).</summary>
public static class PageLimit
{
    public const int Default = 20;
    public const int Max = 100;

    public static void Validate(string? limit, ValidationErrors errors)
    {
        if (limit is not null && !(int.TryParse(limit, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= Max))
            errors.Add("limit", $"Must be a whole number from 1 to {Max}.");
    }

    public static int Parse(string? limit) => limit is null ? Default : int.Parse(limit, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One page of a list.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>The keyset paging every list does: read <c>?cursor=</c>, fetch limit + 1 rows, answer a page.</summary>
public static class Paging
{
    /// <summary>The position after which to read; false when the cursor was not made for this list (answer 400).</summary>
    public static bool TryAfter(this Cursors cursors, string scope, string? cursor, out string? after)
    {
        after = null;
        return cursor is null || (after = cursors.Decode(scope, cursor)) is not null;
    }

    /// <summary>A page from rows fetched with <c>limit + 1</c>: the extra row only says there is a next page.</summary>
    public static Page<TView> ToPage<TRow, TView>(
        this Cursors cursors, string scope, IReadOnlyList<TRow> rows, int limit, Func<TRow, TView> view, Func<TRow, string> position) =>
        new(rows.Take(limit).Select(view).ToList(), rows.Count > limit ? cursors.Encode(scope, position(rows[limit - 1])) : null);

    public static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem InvalidCursor() =>
        Problems.Validation("cursor", "The cursor is not valid for this list.");
}
