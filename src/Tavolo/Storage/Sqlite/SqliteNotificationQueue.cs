using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Tavolo.Platform;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// A durable queue in the SQLite file, with SQS's semantics: a receive hides messages for the visibility
/// timeout and bumps their receive count; an unfinished message comes back when that ends; a receipt handle is
/// valid only until the next receive; after <see cref="INotificationQueue.MaxReceives"/> receives a message that
/// comes back is moved to the dead-letter table instead. Receives are FIFO by visible time (not promised).
/// In-process enqueues wake a waiting receiver at once.
/// </summary>
public sealed class SqliteNotificationQueue(SqliteDatabase database, TimeProvider clock) : INotificationQueue
{
    private const string Queue = "notifications";
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public async Task EnqueueAsync(string body, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async (connection, cancellationToken) =>
        {
            var now = Sql.Time(Now);
            await connection.ExecuteAsync(
                "INSERT INTO queue_messages (id, queue, body, visible_at, receive_count, created_at) VALUES ($id, $queue, $body, $now, 0, $now);",
                cancellationToken, ("$id", Ids.New()), ("$queue", Queue), ("$body", body), ("$now", now));
        }, cancellationToken);
        _wake.Writer.TryWrite(true); // after the commit, so the receiver finds the message
    }

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int max, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken)
    {
        // The wait is measured on the injected clock, like visibility and delays; only the poll step below is wall time,
        // since other processes' enqueues arrive in wall time.
        var deadline = Now + wait;
        while (true)
        {
            var received = await TryReceiveAsync(max, visibility, cancellationToken);
            var left = deadline - Now;
            if (received.Count > 0 || left <= TimeSpan.Zero)
                return received;
            // Long polling: sleep until an enqueue in this process, or a short poll for other processes and retries.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250));
            try
            {
                await _wake.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    public Task DeleteAsync(string receiptHandle, CancellationToken cancellationToken)
    {
        var (id, receipt) = Parse(receiptHandle);
        return database.WriteAsync(async (connection, cancellationToken) =>
        {
            await connection.ExecuteAsync("DELETE FROM queue_messages WHERE id = $id AND receipt = $receipt;", cancellationToken,
                ("$id", id), ("$receipt", receipt));
        }, cancellationToken);
    }

    public Task RetryLaterAsync(string receiptHandle, TimeSpan delay, CancellationToken cancellationToken)
    {
        var (id, receipt) = Parse(receiptHandle);
        return database.WriteAsync(async (connection, cancellationToken) =>
        {
            await connection.ExecuteAsync("UPDATE queue_messages SET visible_at = $at WHERE id = $id AND receipt = $receipt;", cancellationToken,
                ("$at", Sql.Time(Now + delay)), ("$id", id), ("$receipt", receipt));
        }, cancellationToken);
    }

    public Task DeadLetterAsync(ReceivedMessage message, string reason, CancellationToken cancellationToken)
    {
        var (id, receipt) = Parse(message.ReceiptHandle);
        return database.WriteAsync(async (connection, cancellationToken) =>
        {
            await MoveToDeadLettersAsync(connection, "id = $id AND receipt = $receipt", reason, cancellationToken, ("$id", id), ("$receipt", receipt));
        }, cancellationToken);
    }

    public async Task<int> CountDeadLettersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return Convert.ToInt32(await connection.ScalarAsync("SELECT COUNT(*) FROM queue_dead_letters WHERE queue = $queue;", cancellationToken,
            ("$queue", Queue)), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task<IReadOnlyList<ReceivedMessage>> TryReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken)
    {
        var now = Now;
        return database.WriteAsync<IReadOnlyList<ReceivedMessage>>(async (connection, cancellationToken) =>
        {
            // Redrive: a message received MaxReceives times that is visible again goes to the dead letters, as SQS does.
            await MoveToDeadLettersAsync(connection, "queue = $queue AND visible_at <= $now AND receive_count >= $max", "max receives exceeded",
                cancellationToken, ("$queue", Queue), ("$now", Sql.Time(now)), ("$max", INotificationQueue.MaxReceives));
            var receipt = Ids.New();
            var rows = await connection.QueryAsync(
                """
                UPDATE queue_messages SET visible_at = $until, receive_count = receive_count + 1, receipt = $receipt
                WHERE id IN (SELECT id FROM queue_messages WHERE queue = $queue AND visible_at <= $now ORDER BY visible_at, id LIMIT $limit)
                RETURNING id, body, receive_count;
                """,
                r => new ReceivedMessage(r.GetString(0), r.GetString(1), r.GetString(0) + ":" + receipt, r.GetInt32(2)), cancellationToken,
                ("$until", Sql.Time(now + visibility)), ("$receipt", receipt), ("$queue", Queue), ("$now", Sql.Time(now)), ("$limit", max));
            return rows;
        }, cancellationToken);
    }

    private async Task MoveToDeadLettersAsync(SqliteConnection connection, string where, string reason, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await connection.ExecuteAsync(
            $"""
            INSERT INTO queue_dead_letters (id, queue, body, receive_count, reason, created_at)
            SELECT id, queue, body, receive_count, $reason, $at FROM queue_messages WHERE {where};
            DELETE FROM queue_messages WHERE {where};
            """, cancellationToken, [.. parameters, ("$reason", reason), ("$at", Sql.Time(Now))]);
    }

    private static (string Id, string Receipt) Parse(string receiptHandle)
    {
        var colon = receiptHandle.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (receiptHandle, "") : (receiptHandle[..colon], receiptHandle[(colon + 1)..]);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
