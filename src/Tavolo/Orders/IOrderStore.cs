namespace Tavolo.Orders;

public sealed record OrderItem(string Name, int Quantity, decimal UnitPrice);

/// <summary>An order. <c>Version</c> counts writes: edits are conditional on it, so no edit is lost to another.</summary>
public sealed record Order(
    string OrderId, string UserId, string RestaurantId, string Status, IReadOnlyList<OrderItem> Items,
    decimal Subtotal, string? PromoCode, int? DiscountPercentage, decimal Discount, decimal Total,
    DateTime CreatedAt, DateTime UpdatedAt, int Version);

public static class OrderStatus
{
    public const string Placed = "PLACED";
    public const string Acknowledged = "ACKNOWLEDGED";
    public const string Canceled = "CANCELED";

    public static readonly string[] All = [Placed, Acknowledged, Canceled];
}

/// <summary>Which orders to list: all conditions hold (null = any).</summary>
public sealed record OrderFilter(string? UserId, string? RestaurantId, string? Status);

/// <summary>The orders port (SQLite locally, DynamoDB on AWS).</summary>
public interface IOrderStore
{
    /// <summary>Adds an order; false when its id is taken.</summary>
    Task<bool> CreateAsync(Order order, CancellationToken cancellationToken);

    /// <summary>
    /// Adds an order once (see <see cref="OrderPlacement"/>), keeping the fingerprint of the request that made it; when
    /// given, <paramref name="write"/> (the idempotency claim and its response) in the same unit of work where the store
    /// has one. When the id is taken: the order that holds it and its request's fingerprint, and nothing written.
    /// </summary>
    Task<OrderInsert> InsertOnceAsync(Order order, string requestFingerprint, Idempotency.IdempotentWrite? write, CancellationToken cancellationToken);

    Task<Order?> FindAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Newest first (creation time, then id, both descending), after <paramref name="before"/>.</summary>
    Task<IReadOnlyList<Order>> ListAsync(OrderFilter filter, (DateTime CreatedAt, string OrderId)? before, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces items and prices only while the order is PLACED and still at <paramref name="expectedVersion"/>.</summary>
    Task<bool> UpdateAsync(Order order, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a PLACED order to <paramref name="to"/> (a conditional write: of racing changes one wins), only if it was
    /// created at or after <paramref name="createdNotBefore"/> when given. The updated order, or null when the condition failed.
    /// </summary>
    Task<Order?> TransitionAsync(string orderId, string to, DateTime now, DateTime? createdNotBefore, CancellationToken cancellationToken);
}
