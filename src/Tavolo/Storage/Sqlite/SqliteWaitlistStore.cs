using Microsoft.Data.Sqlite;
using Tavolo.Waitlists;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// The waitlists adapter on SQLite: waitlists and their lines here, the line's notifications in
/// <c>SqliteWaitlistStore.Notifications.cs</c> — one class, because they share the waitee rows.
/// </summary>
public sealed partial class SqliteWaitlistStore(SqliteDatabase database) : IWaitlistStore
{
    private const string WaitlistColumns =
        "id, restaurant_id, name, description, average_wait_minutes, is_open, webhook_url, webhook_secret, created_at, updated_at";

    // A waitee with its live position: 1-based among WAITING and NOTIFIED by (join time, id); NULL once ended.
    private const string WaiteeSelect = """
        SELECT w.id, w.waitlist_id, w.name, w.party_size, w.email, w.phone, w.notes, w.status, w.notify_at, w.joined_at,
               w.notified_at, w.seated_at, w.ended_at, w.guest_token, w.position_at_join, w.quoted_wait_minutes,
               CASE WHEN w.status IN ('WAITING', 'NOTIFIED') THEN (
                   SELECT COUNT(*) FROM waitees a
                   WHERE a.waitlist_id = w.waitlist_id AND a.status IN ('WAITING', 'NOTIFIED')
                     AND (a.joined_at < w.joined_at OR (a.joined_at = w.joined_at AND a.id <= w.id))) END
        FROM waitees w
        """;

    public Task CreateAsync(Waitlist waitlist, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            await connection.ExecuteAsync(
                $"INSERT INTO waitlists ({WaitlistColumns}) VALUES ($id, $restaurant, $name, $description, $average, $open, $webhook, $secret, $created, $updated);",
                cancellationToken, Parameters(waitlist));
        }, cancellationToken);

    public async Task<Waitlist?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(
            $"SELECT {WaitlistColumns} FROM waitlists WHERE id = $id;", ReadWaitlist, cancellationToken, ("$id", id));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<Waitlist>> ListAsync(
        IReadOnlyCollection<string>? restaurantIds, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var restaurants = restaurantIds is null ? null : "[" + string.Join(',', restaurantIds.Select(r => "\"" + System.Text.Json.JsonEncodedText.Encode(r) + "\"")) + "]";
        return await connection.QueryAsync(
            $"""
            SELECT {WaitlistColumns} FROM waitlists
            WHERE ($restaurants IS NULL OR restaurant_id IN (SELECT value FROM json_each($restaurants))) AND ($after IS NULL OR id > $after)
            ORDER BY id LIMIT $limit;
            """,
            ReadWaitlist, cancellationToken, ("$restaurants", restaurants), ("$after", afterId), ("$limit", limit));
    }

    public Task<bool> UpdateAsync(Waitlist waitlist, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync(
                """
                UPDATE waitlists SET name = $name, description = $description, average_wait_minutes = $average, is_open = $open,
                    webhook_url = $webhook, updated_at = $updated
                WHERE id = $id AND restaurant_id = $restaurant;
                """, cancellationToken, Parameters(waitlist)) == 1, cancellationToken);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync("DELETE FROM waitlists WHERE id = $id;", cancellationToken, ("$id", id)) == 1, cancellationToken);

    public async Task<IReadOnlyDictionary<string, int>> CountActiveAsync(IReadOnlyCollection<string> waitlistIds, CancellationToken cancellationToken)
    {
        if (waitlistIds.Count == 0)
            return new Dictionary<string, int>();
        await using var connection = await database.OpenAsync(cancellationToken);
        var ids = waitlistIds.Select((id, i) => ("$w" + i, (object?)id)).ToArray();
        var rows = await connection.QueryAsync(
            $"""
            SELECT waitlist_id, COUNT(*) FROM waitees
            WHERE waitlist_id IN ({string.Join(", ", ids.Select(p => p.Item1))}) AND status IN ('WAITING', 'NOTIFIED')
            GROUP BY waitlist_id;
            """, r => (r.GetString(0), r.GetInt32(1)), cancellationToken, ids);
        return rows.ToDictionary(r => r.Item1, r => r.Item2);
    }

    public Task<Waitee?> AddWaiteeAsync(Waitee waitee, bool requireOpen, Func<int, int> defaultQuote, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            var open = await connection.ScalarAsync("SELECT is_open FROM waitlists WHERE id = $id;", cancellationToken, ("$id", waitee.WaitlistId));
            if (open is null || (requireOpen && Convert.ToInt64(open, System.Globalization.CultureInfo.InvariantCulture) == 0))
                return null;
            var ahead = Convert.ToInt32(await connection.ScalarAsync(
                "SELECT COUNT(*) FROM waitees WHERE waitlist_id = $id AND status IN ('WAITING', 'NOTIFIED');", cancellationToken,
                ("$id", waitee.WaitlistId)), System.Globalization.CultureInfo.InvariantCulture);
            var added = waitee with { PositionAtJoin = ahead + 1, QuotedWaitMinutes = waitee.QuotedWaitMinutes ?? defaultQuote(ahead + 1) };
            await connection.ExecuteAsync(
                """
                INSERT INTO waitees (id, waitlist_id, name, party_size, email, phone, notes, status, notify_at, due_at, joined_at, guest_token, position_at_join,
                    quoted_wait_minutes)
                VALUES ($id, $list, $name, $size, $email, $phone, $notes, $status, $notifyAt, $notifyAt, $joined, $token, $position, $quote);
                """, cancellationToken, ("$quote", added.QuotedWaitMinutes),
                ("$id", added.Id), ("$list", added.WaitlistId), ("$name", added.Name), ("$size", added.PartySize), ("$email", added.Email),
                ("$phone", added.Phone), ("$notes", added.Notes), ("$status", added.Status), ("$notifyAt", Sql.Time(added.NotifyAt)),
                ("$joined", Sql.Time(added.JoinedAt)), ("$token", added.GuestToken), ("$position", added.PositionAtJoin));
            return added with { Position = added.PositionAtJoin };
        }, cancellationToken);

    public Task<Waitee?> FindWaiteeAsync(string waitlistId, string waiteeId, CancellationToken cancellationToken) =>
        FindOneAsync($"{WaiteeSelect} WHERE w.id = $id AND w.waitlist_id = $list;", cancellationToken, ("$id", waiteeId), ("$list", waitlistId));

    public Task<Waitee?> FindByGuestTokenAsync(string guestToken, CancellationToken cancellationToken) =>
        FindOneAsync($"{WaiteeSelect} WHERE w.guest_token = $token;", cancellationToken, ("$token", guestToken));

    public async Task<IReadOnlyList<Waitee>> ListWaiteesAsync(
        string waitlistId, string? status, (DateTime JoinedAt, string Id)? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"""
            {WaiteeSelect}
            WHERE w.waitlist_id = $list AND ($status IS NULL OR w.status = $status)
              AND ($afterJoined IS NULL OR w.joined_at > $afterJoined OR (w.joined_at = $afterJoined AND w.id > $afterId))
            ORDER BY w.joined_at, w.id LIMIT $limit;
            """,
            ReadWaitee, cancellationToken, ("$list", waitlistId), ("$status", status),
            ("$afterJoined", after is { } a ? Sql.Time(a.JoinedAt) : null), ("$afterId", after?.Id), ("$limit", limit));
    }

    public Task<bool> UpdateWaiteeAsync(Waitee waitee, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            // A changed notifyAt re-arms the producer while the waitee is WAITING; an unchanged one leaves a claim alone.
            return await connection.ExecuteAsync(
                """
                UPDATE waitees SET name = $name, party_size = $size, email = $email, phone = $phone, notes = $notes,
                    quoted_wait_minutes = COALESCE($quote, quoted_wait_minutes), notify_at = $notifyAt, due_at = CASE WHEN status = 'WAITING' AND notify_at IS NOT $notifyAt THEN $notifyAt ELSE due_at END
                WHERE id = $id AND waitlist_id = $list AND status IN ('WAITING', 'NOTIFIED');
                """, cancellationToken,
                ("$id", waitee.Id), ("$list", waitee.WaitlistId), ("$name", waitee.Name), ("$size", waitee.PartySize), ("$email", waitee.Email),
                ("$phone", waitee.Phone), ("$notes", waitee.Notes), ("$quote", waitee.QuotedWaitMinutes), ("$notifyAt", Sql.Time(waitee.NotifyAt))) == 1;
        }, cancellationToken);

    public Task<Waitee?> TransitionAsync(string waiteeId, string[] from, string to, DateTime now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            var changed = await connection.ExecuteAsync(
                $"""
                UPDATE waitees SET status = $to, due_at = NULL,
                    notified_at = CASE WHEN $to = 'NOTIFIED' THEN $now ELSE notified_at END,
                    seated_at = CASE WHEN $to = 'SEATED' THEN $now ELSE seated_at END,
                    ended_at = CASE WHEN $ends THEN $now ELSE ended_at END,
                    ended_from = CASE WHEN $ends THEN status ELSE ended_from END,
                    ended_due_at = CASE WHEN $ends THEN due_at ELSE ended_due_at END
                WHERE id = $id AND status IN ({string.Join(", ", from.Select((_, i) => "$from" + i))});
                """, cancellationToken,
                [("$to", to), ("$ends", WaiteeStatus.Ends(to)), ("$now", Sql.Time(now)), ("$id", waiteeId), .. from.Select((s, i) => ("$from" + i, (object?)s))]);
            return changed == 1
                ? (await connection.QueryAsync($"{WaiteeSelect} WHERE w.id = $id;", ReadWaitee, cancellationToken, ("$id", waiteeId)))[0]
                : null;
        }, cancellationToken);

    public Task<Waitee?> RestoreAsync(string waiteeId, DateTime endedSince, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            // Rows ended before migration step 7 have no ended_from: NOTIFIED if they had been told, else WAITING.
            // (SET expressions read the row as it was, so every CASE sees the old status and due time.)
            var changed = await connection.ExecuteAsync(
                """
                UPDATE waitees SET
                    status = COALESCE(ended_from, CASE WHEN notified_at IS NULL THEN 'WAITING' ELSE 'NOTIFIED' END),
                    due_at = CASE WHEN COALESCE(ended_from, CASE WHEN notified_at IS NULL THEN 'WAITING' ELSE 'NOTIFIED' END) = 'WAITING'
                                  THEN ended_due_at END,
                    seated_at = NULL, ended_at = NULL, ended_from = NULL, ended_due_at = NULL
                WHERE id = $id AND status IN ('SEATED', 'REMOVED', 'NO_SHOW') AND ended_at >= $since;
                """, cancellationToken, ("$id", waiteeId), ("$since", Sql.Time(endedSince)));
            return changed == 1
                ? (await connection.QueryAsync($"{WaiteeSelect} WHERE w.id = $id;", ReadWaitee, cancellationToken, ("$id", waiteeId)))[0]
                : null;
        }, cancellationToken);

    public Task<bool> MakeDueAsync(string waiteeId, DateTime now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync(
                """
                UPDATE waitees SET due_at = $now
                WHERE id = $id AND status = 'WAITING' AND due_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM notifications WHERE waitee_id = $id AND status = 'QUEUED');
                """, cancellationToken,
                ("$now", Sql.Time(now)), ("$id", waiteeId)) == 1, cancellationToken);

    public async Task<IReadOnlyList<WaitSample>> RecentWaitsAsync(string waitlistId, int count, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            """
            SELECT joined_at, seated_at, position_at_join FROM waitees
            WHERE waitlist_id = $list AND seated_at IS NOT NULL ORDER BY seated_at DESC LIMIT $count;
            """,
            r => new WaitSample((r.GetTime(1) - r.GetTime(0)).TotalMinutes, r.GetInt32(2)),
            cancellationToken, ("$list", waitlistId), ("$count", count));
    }

    private async Task<Waitee?> FindOneAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(sql, ReadWaitee, cancellationToken, parameters);
        return rows.Count == 0 ? null : rows[0];
    }

    private SqliteDatabase Database => database;

    private static (string, object?)[] Parameters(Waitlist w) =>
    [
        ("$id", w.Id), ("$restaurant", w.RestaurantId), ("$name", w.Name), ("$description", w.Description), ("$average", w.AverageWaitMinutesPerParty),
        ("$open", w.IsOpen), ("$webhook", w.WebhookUrl), ("$secret", w.WebhookSecret), ("$created", Sql.Time(w.CreatedAt)),
        ("$updated", Sql.Time(w.UpdatedAt)),
    ];

    private static Waitlist ReadWaitlist(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetStringOrNull(3), r.GetInt32(4), r.GetBoolean(5), r.GetStringOrNull(6),
        r.GetString(7), r.GetTime(8), r.GetTime(9));

    private static Waitee ReadWaitee(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetStringOrNull(4), r.GetStringOrNull(5), r.GetStringOrNull(6),
        r.GetString(7), r.GetTimeOrNull(8), r.GetTime(9), r.GetTimeOrNull(10), r.GetTimeOrNull(11), r.GetTimeOrNull(12), r.GetString(13),
        r.GetInt32(14), r.IsDBNull(16) ? null : r.GetInt32(16), r.IsDBNull(15) ? null : r.GetInt32(15));
}
