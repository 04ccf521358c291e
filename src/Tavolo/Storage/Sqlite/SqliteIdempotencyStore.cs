using Microsoft.Data.Sqlite;
using Tavolo.Platform;

namespace Tavolo.Storage.Sqlite;

public sealed class SqliteIdempotencyStore(SqliteDatabase database) : IIdempotencyStore
{
    public async Task<IdempotencyRecord?> TryClaimAsync(IdempotencyRecord claim, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenWriteAsync(cancellationToken);
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
        // Gone between the two statements (released by a failing first request): claim again.
        return rows.Count == 0 ? await TryClaimAsync(claim, now, cancellationToken) : rows[0];
    }

    public async Task<bool> CompleteAsync(string key, string leaseToken, StoredResponse response, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenWriteAsync(cancellationToken);
        return await connection.ExecuteAsync(
            """
            UPDATE idempotency_records SET response_status = $status, response_content_type = $type, response_location = $location, response_body = $body
            WHERE key = $key AND lease_token = $token;
            """, cancellationToken,
            ("$key", key), ("$token", leaseToken), ("$status", response.Status), ("$type", response.ContentType),
            ("$location", response.Location), ("$body", response.Body)) == 1;
    }

    public async Task ReleaseAsync(string key, string leaseToken, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenWriteAsync(cancellationToken);
        await connection.ExecuteAsync(
            "DELETE FROM idempotency_records WHERE key = $key AND lease_token = $token AND response_status IS NULL;", cancellationToken,
            ("$key", key), ("$token", leaseToken));
    }

    private static IdempotencyRecord Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetTime(3), r.GetTime(4),
        r.IsDBNull(5) ? null : new StoredResponse(r.GetInt32(5), r.GetStringOrNull(6), r.GetStringOrNull(7), (byte[])r.GetValue(8)));
}
