using Microsoft.Data.Sqlite;
using Tavolo.Idempotency;

namespace Tavolo.Storage.Sqlite;

public sealed class SqliteIdempotencyStore(SqliteDatabase database) : IIdempotencyStore
{
    public Task<IdempotencyRecord?> TryClaimAsync(IdempotencyRecord claim, DateTime now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            // The row can vanish between the two statements (its first request failed and released it from another process):
            // then claim again, on this connection, inside this write: queueing a new write here would wait on itself.
            while (true)
            {
                // One statement: insert, or take over a record that expired or whose first request died (lease over, no response).
                var claimed = await connection.ExecuteAsync(
                    """
                    INSERT INTO idempotency_records (key, fingerprint, lease_token, lease_until, expires_at)
                    VALUES ($key, $fingerprint, $token, $lease, $expires)
                    ON CONFLICT (key) DO UPDATE SET
                        fingerprint = excluded.fingerprint, lease_token = excluded.lease_token, lease_until = excluded.lease_until,
                        expires_at = excluded.expires_at, response_status = NULL, response_content_type = NULL,
                        response_location = NULL, response_body = NULL
                    WHERE idempotency_records.expires_at <= $now
                       OR (idempotency_records.response_status IS NULL AND idempotency_records.lease_until <= $now);
                    """, cancellationToken,
                    ("$key", claim.Key), ("$fingerprint", claim.Fingerprint), ("$token", claim.LeaseToken),
                    ("$lease", Sql.Time(claim.LeaseUntil)), ("$expires", Sql.Time(claim.ExpiresAt)), ("$now", Sql.Time(now)));
                if (claimed == 1)
                    return null;
                var rows = await connection.QueryAsync(
                    """
                    SELECT key, fingerprint, lease_token, lease_until, expires_at, response_status, response_content_type, response_location, response_body
                    FROM idempotency_records WHERE key = $key;
                    """, Read, cancellationToken, ("$key", claim.Key));
                if (rows.Count > 0)
                    return rows[0];
            }
        }, cancellationToken);

    /// <summary>
    /// The idempotency half of a unit of work, on the caller's connection inside its transaction: stores the finished
    /// response under the claim if the claim is still this request's (or the key is free again). 1 when stored.
    /// </summary>
    public static Task<int> StoreResponseAsync(SqliteConnection connection, IdempotentWrite write, DateTime now, CancellationToken cancellationToken)
    {
        var (claim, response) = (write.Claim, write.Response);
        return connection.ExecuteAsync(
            """
            INSERT INTO idempotency_records (key, fingerprint, lease_token, lease_until, expires_at, response_status, response_content_type, response_location, response_body)
            VALUES ($key, $fingerprint, $token, $lease, $expires, $status, $type, $location, $body)
            ON CONFLICT (key) DO UPDATE SET
                fingerprint = excluded.fingerprint, lease_token = excluded.lease_token, lease_until = excluded.lease_until,
                expires_at = excluded.expires_at, response_status = excluded.response_status,
                response_content_type = excluded.response_content_type, response_location = excluded.response_location,
                response_body = excluded.response_body
            WHERE (idempotency_records.lease_token = excluded.lease_token AND idempotency_records.response_status IS NULL)
               OR idempotency_records.expires_at <= $now
               OR (idempotency_records.response_status IS NULL AND idempotency_records.lease_until <= $now);
            """, cancellationToken,
            ("$key", claim.Key), ("$fingerprint", claim.Fingerprint), ("$token", claim.LeaseToken),
            ("$lease", Sql.Time(claim.LeaseUntil)), ("$expires", Sql.Time(claim.ExpiresAt)), ("$now", Sql.Time(now)),
            ("$status", response.Status), ("$type", response.ContentType), ("$location", response.Location), ("$body", response.Body));
    }

    public Task<bool> CompleteAsync(string key, string leaseToken, StoredResponse response, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync(
                """
                UPDATE idempotency_records SET response_status = $status, response_content_type = $type, response_location = $location, response_body = $body
                WHERE key = $key AND lease_token = $token;
                """, cancellationToken,
                ("$key", key), ("$token", leaseToken), ("$status", response.Status), ("$type", response.ContentType),
                ("$location", response.Location), ("$body", response.Body)) == 1, cancellationToken);

    public Task ReleaseAsync(string key, string leaseToken, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            await connection.ExecuteAsync(
                "DELETE FROM idempotency_records WHERE key = $key AND lease_token = $token AND response_status IS NULL;", cancellationToken,
                ("$key", key), ("$token", leaseToken));
        }, cancellationToken);

    private static IdempotencyRecord Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetTime(3), r.GetTime(4),
        r.IsDBNull(5) ? null : new StoredResponse(r.GetInt32(5), r.GetStringOrNull(6), r.GetStringOrNull(7), (byte[])r.GetValue(8)));
}
