using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Tavolo.Idempotency;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// Idempotency on the embedded database, where one process serves the file: a request's claim is held in this process
/// (of concurrent claims one wins; a holder past its lease is taken over), and the record is written once, when the
/// request has finished — with its effect, in the handler's own unit of work (<see cref="StoreResponseAsync"/>), or with
/// <see cref="CompleteAsync"/>. So a request with a key costs no write of its own before it runs: the claim used to be
/// a commit on the single writer of its own, for every order. A second process on the same file (not how Tavolo runs)
/// does not see this one's requests in flight: a duplicate sent to both at once runs in both, and the record's
/// conditional write (and an order's own fingerprint, <c>Orders/OrderPlacement.cs</c>) lets one effect win.
/// </summary>
public sealed class SqliteIdempotencyStore(SqliteDatabase database, TimeProvider clock) : IIdempotencyStore
{
    private readonly ConcurrentDictionary<string, IdempotencyRecord> _inFlight = new(StringComparer.Ordinal);

    public async Task<IdempotencyRecord?> TryClaimAsync(IdempotencyRecord claim, DateTime now, CancellationToken cancellationToken)
    {
        if (Hold(claim, now) is { } holder)
            return holder;
        try
        {
            var stored = await FindAsync(claim.Key, cancellationToken);
            // Live: a finished request's record until it expires, or a claim an earlier version wrote, until its lease ends.
            if (stored is not null && stored.ExpiresAt > now && (stored.Response is not null || stored.LeaseUntil > now))
            {
                End(claim);
                return stored;
            }
            return null;
        }
        catch
        {
            End(claim);
            throw;
        }
    }

    public Task<IdempotencyRecord?> TryHoldAsync(IdempotencyRecord claim, DateTime now, CancellationToken cancellationToken) =>
        Task.FromResult(Hold(claim, now));

    /// <summary>Holds the key in this process; null when held, else the live claim of another request.</summary>
    private IdempotencyRecord? Hold(IdempotencyRecord claim, DateTime now)
    {
        while (!_inFlight.TryAdd(claim.Key, claim))
        {
            if (!_inFlight.TryGetValue(claim.Key, out var holder))
                continue; // it ended meanwhile: claim again
            if (holder.LeaseUntil > now)
                return holder; // in flight in this process
            if (_inFlight.TryUpdate(claim.Key, claim, holder))
                break; // its lease is over (a request that hangs must not hold its key for ever): taken over
        }
        return null;
    }

    /// <summary>
    /// The idempotency half of a unit of work, on the caller's connection inside its transaction: writes the record with
    /// its finished response, unless a live record holds the key (another process's). 1 when written.
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

    public async Task<bool> CompleteAsync(string key, string leaseToken, StoredResponse response, CancellationToken cancellationToken)
    {
        if (!_inFlight.TryGetValue(key, out var claim) || claim.LeaseToken != leaseToken)
            return false; // not this request's (any more)
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            return await database.WriteAsync(
                (connection, token) => StoreResponseAsync(connection, new IdempotentWrite(claim, response), now, token), cancellationToken) == 1;
        }
        finally
        {
            End(claim);
        }
    }

    public Task ReleaseAsync(string key, string leaseToken, CancellationToken cancellationToken)
    {
        if (_inFlight.TryGetValue(key, out var claim) && claim.LeaseToken == leaseToken)
            End(claim); // nothing was written for it
        return Task.CompletedTask;
    }

    public void Stored(IdempotencyRecord claim) => End(claim);

    /// <summary>Lets go of the claim, if it is still the one held (a retry may have taken the key over).</summary>
    private void End(IdempotencyRecord claim) => _inFlight.TryRemove(KeyValuePair.Create(claim.Key, claim));

    private async Task<IdempotencyRecord?> FindAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(
            """
            SELECT key, fingerprint, lease_token, lease_until, expires_at, response_status, response_content_type, response_location, response_body
            FROM idempotency_records WHERE key = $key;
            """, Read, cancellationToken, ("$key", key));
        return rows.Count > 0 ? rows[0] : null;
    }

    private static IdempotencyRecord Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetTime(3), r.GetTime(4),
        r.IsDBNull(5) ? null : new StoredResponse(r.GetInt32(5), r.GetStringOrNull(6), r.GetStringOrNull(7), (byte[])r.GetValue(8)));
}
