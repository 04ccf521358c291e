using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tavolo.Idempotency;

namespace Tavolo.Orders;

/// <summary>What <see cref="IOrderStore.InsertOnceAsync"/> found: its order inserted, or the order that already held the id.</summary>
public sealed record OrderInsert(bool Inserted, Order Order, string? RequestFingerprint, bool ResponseStored = false);

/// <summary>
/// <c>POST /orders</c> made idempotent in the domain, not only by the idempotency record: an order keeps the fingerprint
/// of the request that placed it, so a retry whose first attempt died at any moment (its idempotency record left in
/// flight, then lapsed) still gets that order — same caller, same orderId, same request → the existing order, as a
/// replay; a different request → <c>422</c>. Keyed by its orderId (the usual way), the order is its own idempotency
/// record and nothing else is written (<see cref="IdempotencyFilter{TBody}"/> only holds the key while it runs). Keyed
/// by an <c>Idempotency-Key</c> header, where the store has a unit of work (SQLite: one transaction), the order and the
/// response to replay for that key are written together, so there is no moment at which one is stored and not the other.
/// </summary>
public sealed class OrderPlacement(IOrderStore orders, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    public enum Result { Created, SameRequest, DifferentRequest, OtherCustomers }

    public async Task<(Result Result, Order Order)> PlaceAsync(Order order, OrderView view, OrderRequest request, IdempotencyScope? idempotency, CancellationToken cancellationToken)
    {
        var fingerprint = Fingerprint(request);
        var write = idempotency?.WriteFor(new StoredResponse(
            StatusCodes.Status201Created, "application/json; charset=utf-8", Location(order),
            JsonSerializer.SerializeToUtf8Bytes(view, json.Value.SerializerOptions.GetTypeInfo(typeof(OrderView)))));
        var insert = await orders.InsertOnceAsync(order, fingerprint, write, cancellationToken);
        if (insert.Inserted)
        {
            if (insert.ResponseStored)
                idempotency!.MarkStored(write!);
            return (Result.Created, insert.Order);
        }
        if (insert.Order.UserId != order.UserId)
            return (Result.OtherCustomers, insert.Order);
        return (insert.RequestFingerprint == fingerprint ? Result.SameRequest : Result.DifferentRequest, insert.Order);
    }

    public static string Location(Order order) => $"/orders/{order.OrderId}";

    /// <summary>SHA-256 of the request as bound (formatting, field order and the orderId's case do not matter).</summary>
    public static string Fingerprint(OrderRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(
            request with { OrderId = request.OrderId?.ToLowerInvariant() }, OrdersJson.Default.OrderRequest)));
}
