using Tavolo.Idempotency;
using Tavolo.Orders;

namespace Tavolo.Storage.Sqlite;

public sealed partial class SqliteOrderStore
{
    /// <summary>
    /// One write (one savepoint, committed with its batch) for the order and its idempotency record's response: a process killed at any moment leaves both
    /// or neither, so a retry gets a replay or runs afresh, never a stored order without its answer.
    /// </summary>
    public Task<OrderInsert> InsertOnceAsync(Order order, string requestFingerprint, IdempotentWrite? write, CancellationToken cancellationToken) =>
        _byId.ForgetAfter(order.OrderId, database.WriteAsync(async (connection, cancellationToken) =>
        {
            var inserted = await connection.ExecuteAsync(
                $"""
                INSERT INTO orders ({Columns}, request_fingerprint)
                VALUES ($id, $user, $restaurant, $status, $items, $subtotal, $code, $percentage, $discount, $total, $created, $updated, $version, $currency, $fingerprint)
                ON CONFLICT (order_id) DO NOTHING;
                """, cancellationToken, [.. Parameters(order), ("$fingerprint", requestFingerprint)]) == 1;
            if (!inserted)
            {
                var existing = await connection.QueryAsync(
                    $"SELECT {Columns}, request_fingerprint FROM orders WHERE order_id = $id;",
                    r => (Order: Read(r), Fingerprint: r.GetStringOrNull(r.FieldCount - 1)), cancellationToken, ("$id", order.OrderId));
                return new OrderInsert(false, existing[0].Order, existing[0].Fingerprint);
            }
            var stored = write is not null && await SqliteIdempotencyStore.StoreResponseAsync(connection, write, order.CreatedAt, cancellationToken) == 1;
            return new OrderInsert(true, order, requestFingerprint, stored);
        }, cancellationToken));
}
