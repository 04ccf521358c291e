namespace Tavolo.Orders;

/// <summary>The orders port (SQLite locally, DynamoDB on AWS).</summary>
public interface IOrderStore
{
    /// <summary>Adds an order; false when its id is taken.</summary>
    Task<bool> CreateAsync(Order order, CancellationToken cancellationToken);

    /// <summary>
    /// The order when <paramref name="visibleTo"/> is its customer or its restaurant (null: anyone's, for an admin);
    /// anyone else's order is not found — the rule lives in the query, so no handler can forget it.
    /// </summary>
    Task<Order?> FindAsync(string orderId, string? visibleTo, CancellationToken cancellationToken);

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
