namespace Tavolo.Idempotency;

/// <summary>
/// The claim of the request being handled, as an HTTP feature (<c>HttpContext.Features.Get&lt;IdempotencyScope&gt;()</c>;
/// absent when the request carried no key). A handler whose store offers a unit of work hands <see cref="WriteFor"/> to
/// it, so that the effect and the response to replay are written together (or neither is), then marks it stored: the
/// filter then sends those very bytes, so the first answer and every replay of it are the same.
/// </summary>
public sealed class IdempotencyScope(IdempotencyRecord claim)
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public IdempotencyRecord Claim { get; } = claim;

    /// <summary>The response the handler's unit of work stored with its effect (null until then): the filter sends it as it is.</summary>
    public StoredResponse? Stored { get; private set; }

    public void MarkStored(IdempotentWrite write) => Stored = write.Response;

    public IdempotentWrite WriteFor(StoredResponse response) => new(Claim, response);
}

/// <summary>A claim and its finished response, for a store to write in the same unit of work as the request's effect.</summary>
public sealed record IdempotentWrite(IdempotencyRecord Claim, StoredResponse Response);
