using Microsoft.Data.Sqlite;
using Tavolo.Platform;
using Tavolo.Waitlists;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// The notifications half of the waitlists adapter: the outbox rows of a line's waitees. One class owns the
/// <c>waitlists</c>, <c>waitees</c> and <c>notifications</c> tables, since a claim changes a waitee and writes its
/// notifications in one transaction.
/// </summary>
public sealed partial class SqliteWaitlistStore : INotificationStore
{
    private const string NotificationColumns =
        "id, waitlist_id, waitee_id, channel, recipient, status, attempts, last_error, created_at, sent_at, enqueued_at";

    public Task<IReadOnlyList<Notification>> ClaimDueAsync(
        DateTime now, int max, Func<Waitee, Waitlist, IReadOnlyList<(string Channel, string To)>> plan, CancellationToken cancellationToken) =>
        Database.WriteAsync<IReadOnlyList<Notification>>(async (connection, cancellationToken) =>
        {
            // Claim: clear due_at of WAITING rows that are due, in one statement under SQLite's write lock (served by the
            // partial index waitees_due). A second producer in another process waits for the lock and then finds none.
            var claimedIds = await connection.QueryAsync(
                """
                UPDATE waitees SET due_at = NULL
                WHERE id IN (SELECT id FROM waitees WHERE status = 'WAITING' AND due_at IS NOT NULL AND due_at <= $now ORDER BY due_at LIMIT $max)
                RETURNING id, waitlist_id;
                """, r => (Id: r.GetString(0), WaitlistId: r.GetString(1)), cancellationToken, ("$now", Sql.Time(now)), ("$max", max));

            var created = new List<Notification>();
            foreach (var (waiteeId, waitlistId) in claimedIds)
            {
                var waitee = await ReadWaiteeAsync(connection, waiteeId, cancellationToken);
                var waitlist = await ReadWaitlistAsync(connection, waitlistId, cancellationToken);
                foreach (var (channel, to) in plan(waitee, waitlist))
                {
                    var notification = new Notification(Ids.New(), waitlistId, waiteeId, channel, to, NotificationStatus.Queued, 0, null, now, null, null);
                    await connection.ExecuteAsync(
                        $"INSERT INTO notifications ({NotificationColumns}) VALUES ($id, $list, $waitee, $channel, $to, $status, 0, NULL, $now, NULL, NULL);",
                        cancellationToken, ("$id", notification.Id), ("$list", waitlistId), ("$waitee", waiteeId), ("$channel", channel),
                        ("$to", to), ("$status", notification.Status), ("$now", Sql.Time(now)));
                    created.Add(notification);
                }
            }
            return created;
        }, cancellationToken);

    public async Task<IReadOnlyList<Notification>> ListUnenqueuedAsync(DateTime before, int max, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {NotificationColumns} FROM notifications WHERE enqueued_at IS NULL AND created_at < $before ORDER BY created_at LIMIT $max;",
            ReadNotification, cancellationToken, ("$before", Sql.Time(before)), ("$max", max));
    }

    public Task MarkEnqueuedAsync(string notificationId, DateTime now, CancellationToken cancellationToken) =>
        Database.WriteAsync(async (connection, cancellationToken) =>
        {
            await connection.ExecuteAsync("UPDATE notifications SET enqueued_at = $now WHERE id = $id AND enqueued_at IS NULL;",
                cancellationToken, ("$now", Sql.Time(now)), ("$id", notificationId));
        }, cancellationToken);

    public async Task<Delivery?> FindDeliveryAsync(string notificationId, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync($"SELECT {NotificationColumns} FROM notifications WHERE id = $id;", ReadNotification, cancellationToken, ("$id", notificationId));
        if (rows.Count == 0)
            return null;
        var notification = rows[0];
        var waitee = await FindWaiteeAsync(notification.WaitlistId, notification.WaiteeId, cancellationToken);
        var waitlist = await FindAsync(notification.WaitlistId, cancellationToken);
        return waitee is null || waitlist is null ? null : new Delivery(notification, waitee, waitlist);
    }

    public Task<bool> BeginAttemptAsync(string notificationId, DateTime now, DateTime leaseUntil, CancellationToken cancellationToken) =>
        Database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync(
                """
                UPDATE notifications SET lease_until = $lease, attempts = attempts + 1
                WHERE id = $id AND status = 'QUEUED' AND (lease_until IS NULL OR lease_until <= $now);
                """, cancellationToken, ("$lease", Sql.Time(leaseUntil)), ("$id", notificationId), ("$now", Sql.Time(now))) == 1, cancellationToken);

    public Task MarkSentAsync(string notificationId, string waiteeId, DateTime now, CancellationToken cancellationToken) =>
        Database.WriteAsync(async (connection, cancellationToken) =>
        {
            await connection.ExecuteAsync(
                "UPDATE notifications SET status = 'SENT', sent_at = $now, lease_until = NULL, last_error = NULL WHERE id = $id AND status = 'QUEUED';",
                cancellationToken, ("$now", Sql.Time(now)), ("$id", notificationId));
            await connection.ExecuteAsync(
                "UPDATE waitees SET status = 'NOTIFIED', notified_at = $now, due_at = NULL WHERE id = $id AND status = 'WAITING';",
                cancellationToken, ("$now", Sql.Time(now)), ("$id", waiteeId));
        }, cancellationToken);

    public Task MarkFailedAttemptAsync(string notificationId, string error, bool final, CancellationToken cancellationToken) =>
        Database.WriteAsync(async (connection, cancellationToken) =>
        {
            await connection.ExecuteAsync(
                """
                UPDATE notifications SET last_error = $error, lease_until = NULL,
                    status = CASE WHEN $final THEN 'FAILED' ELSE status END
                WHERE id = $id AND status = 'QUEUED';
                """, cancellationToken, ("$error", error), ("$final", final), ("$id", notificationId));
        }, cancellationToken);

    // Explicit: IWaitlistStore.ListAsync has the same parameter types (owner, after, limit).
    async Task<IReadOnlyList<Notification>> INotificationStore.ListAsync(string waitlistId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {NotificationColumns} FROM notifications WHERE waitlist_id = $list AND ($after IS NULL OR id > $after) ORDER BY id LIMIT $limit;",
            ReadNotification, cancellationToken, ("$list", waitlistId), ("$after", afterId), ("$limit", limit));
    }

    // Inside the claim's transaction, so on its connection.
    private static async Task<Waitee> ReadWaiteeAsync(SqliteConnection connection, string id, CancellationToken cancellationToken) =>
        (await connection.QueryAsync($"{WaiteeSelect} WHERE w.id = $id;", ReadWaitee, cancellationToken, ("$id", id)))[0];

    private static async Task<Waitlist> ReadWaitlistAsync(SqliteConnection connection, string id, CancellationToken cancellationToken) =>
        (await connection.QueryAsync($"SELECT {WaitlistColumns} FROM waitlists WHERE id = $id;", ReadWaitlist, cancellationToken, ("$id", id)))[0];

    private static Notification ReadNotification(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6), r.GetStringOrNull(7),
        r.GetTime(8), r.GetTimeOrNull(9), r.GetTimeOrNull(10));
}
