namespace Tavolo.Idempotency;

/// <summary>
/// One idempotency key: the request's fingerprint, who holds it (<c>LeaseToken</c>, until <c>LeaseUntil</c>) while the
/// first request runs, and once it has finished, the response to replay until <c>ExpiresAt</c>.
/// </summary>
public sealed record IdempotencyRecord(
    string Key, string Fingerprint, string LeaseToken, DateTime LeaseUntil, DateTime ExpiresAt, StoredResponse? Response = null);

/// <summary>A finished response, replayed byte for byte.</summary>
public sealed record StoredResponse(int Status, string? ContentType, string? Location, byte[] Body);

/// <summary>The idempotency records port (SQLite locally, DynamoDB on AWS).</summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Claims the key for a new request: of concurrent claims one wins (DynamoDB: a conditional write, seen by every
    /// process; SQLite: held in the one process that serves the file, nothing written until the request finishes).
    /// A record that has expired, or is still in flight with its lease run out (a crashed or hung request), counts as
    /// absent and is taken over. Returns null when the claim won, else the live record that stopped it.
    /// </summary>
    Task<IdempotencyRecord?> TryClaimAsync(IdempotencyRecord claim, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the key against concurrent requests only, for a route whose resource is its own record (<c>POST /orders</c>:
    /// the order keeps the request's fingerprint and answers a repeat itself): a live claim in flight stops it, a finished
    /// record does not (it is taken over), and nothing is stored when the request ends — <see cref="ReleaseAsync"/> lets
    /// go. SQLite: in memory, no read and no write; DynamoDB: one conditional put, as every process must see it.
    /// Returns null when the hold won, else the claim in flight that stopped it.
    /// </summary>
    Task<IdempotencyRecord?> TryHoldAsync(IdempotencyRecord claim, DateTime now, CancellationToken cancellationToken);

    /// <summary>Stores the response, if the lease is still this request's.</summary>
    Task<bool> CompleteAsync(string key, string leaseToken, StoredResponse response, CancellationToken cancellationToken);

    /// <summary>Forgets the key (the request failed, so a retry should run afresh), if the lease is still this request's.</summary>
    Task ReleaseAsync(string key, string leaseToken, CancellationToken cancellationToken);

    /// <summary>
    /// The request's handler wrote the response with its effect, in its own unit of work (<see cref="IdempotencyScope"/>):
    /// the claim has ended, with nothing left to write. An adapter that holds claims in memory lets go of it here.
    /// </summary>
    void Stored(IdempotencyRecord claim);
}
