using System.Globalization;
using Microsoft.Data.Sqlite;
using Tavolo.Orders;

namespace Tavolo.Storage.Sqlite;

public sealed partial class SqliteOrderStore(SqliteDatabase database, TimeProvider clock) : IOrderStore
{
    private const string Columns =
        "order_id, user_id, restaurant_id, status, items, subtotal, promo_code, discount_percentage, discount, total, created_at, updated_at, version, currency";

    // An order is read again and again while it is followed (its customer's page, its restaurant's board, a client
    // polling its status) and written a few times in its life, every time through this store, which forgets it then.
    // Sized by what it holds: an order counts 1 + its lines against the cache's 4,096 units (up to 50 lines, each with a
    // 200-character note: a few MB at worst).
    private readonly RowCache<string, Order> _byId = new(clock, size: order => 1 + order.Items.Count);

    public Task<bool> CreateAsync(Order order, CancellationToken cancellationToken) => _byId.ForgetAfter(order.OrderId,
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync(
                $"""
                INSERT INTO orders ({Columns})
                VALUES ($id, $user, $restaurant, $status, $items, $subtotal, $code, $percentage, $discount, $total, $created, $updated, $version, $currency)
                ON CONFLICT (order_id) DO NOTHING;
                """, cancellationToken, Parameters(order)) == 1, cancellationToken));

    public async Task<Order?> FindAsync(string orderId, string? visibleTo, CancellationToken cancellationToken)
    {
        if (!_byId.TryGet(orderId, out var order))
        {
            var version = _byId.Version;
            await using var connection = await database.OpenAsync(cancellationToken);
            var rows = await connection.QueryAsync($"SELECT {Columns} FROM orders WHERE order_id = $id;", Read, cancellationToken, ("$id", orderId));
            if (rows.Count == 0)
                return null;
            order = rows[0];
            _byId.Keep(orderId, order, version);
        }
        // Whom it is shown to is decided here, for a cached order as for one just read.
        return visibleTo is null || order.UserId == visibleTo || order.RestaurantId == visibleTo ? order : null;
    }

    public async Task<IReadOnlyList<Order>> ListAsync(
        OrderFilter filter, (DateTime CreatedAt, string OrderId)? before, int limit, CancellationToken cancellationToken)
    {
        // Only the conditions in use, so that SQLite picks the index of the user or restaurant (or of time for an admin).
        var where = new List<string>();
        var parameters = new List<(string, object?)> { ("$limit", limit) };
        if (filter.UserId is { } user) { where.Add("user_id = $user"); parameters.Add(("$user", user)); }
        if (filter.RestaurantId is { } restaurant) { where.Add("restaurant_id = $restaurant"); parameters.Add(("$restaurant", restaurant)); }
        if (filter.Status is { } status) { where.Add("status = $status"); parameters.Add(("$status", status)); }
        if (before is var (at, id))
        {
            where.Add("(created_at, order_id) < ($at, $id)");
            parameters.Add(("$at", Sql.Time(at)));
            parameters.Add(("$id", id));
        }
        var condition = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {Columns} FROM orders {condition} ORDER BY created_at DESC, order_id DESC LIMIT $limit;", Read, cancellationToken, [.. parameters]);
    }

    public Task<bool> UpdateAsync(Order order, int expectedVersion, CancellationToken cancellationToken) => _byId.ForgetAfter(order.OrderId,
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync(
                """
                UPDATE orders SET items = $items, subtotal = $subtotal, promo_code = $code, discount_percentage = $percentage,
                    discount = $discount, total = $total, updated_at = $updated, version = $version
                WHERE order_id = $id AND status = 'PLACED' AND version = $expected;
                """, cancellationToken, [.. Parameters(order), ("$expected", expectedVersion)]) == 1, cancellationToken));

    public Task<Order?> TransitionAsync(string orderId, string to, DateTime now, DateTime? createdNotBefore, CancellationToken cancellationToken) =>
        _byId.ForgetAfter(orderId, database.WriteAsync(async (connection, cancellationToken) =>
        {
            var rows = await connection.QueryAsync(
                $"""
                UPDATE orders SET status = $to, updated_at = $now, version = version + 1
                WHERE order_id = $id AND status = 'PLACED' AND ($notBefore IS NULL OR created_at >= $notBefore)
                RETURNING {Columns};
                """, Read, cancellationToken, ("$id", orderId), ("$to", to), ("$now", Sql.Time(now)), ("$notBefore", Sql.Time(createdNotBefore)));
            return rows.Count == 0 ? null : rows[0];
        }, cancellationToken));

    private static (string, object?)[] Parameters(Order o) =>
    [
        ("$id", o.OrderId), ("$user", o.UserId), ("$restaurant", o.RestaurantId), ("$status", o.Status),
        ("$items", StoredOrderLines.Write(o.Items)),
        ("$subtotal", Decimal(o.Subtotal)), ("$code", o.PromoCode), ("$percentage", o.DiscountPercentage),
        ("$discount", Decimal(o.Discount)), ("$total", Decimal(o.Total)),
        ("$created", Sql.Time(o.CreatedAt)), ("$updated", Sql.Time(o.UpdatedAt)), ("$version", o.Version), ("$currency", o.Currency),
    ];

    private static string Decimal(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static Order Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        StoredOrderLines.Read(r.GetString(4)),
        decimal.Parse(r.GetString(5), CultureInfo.InvariantCulture), r.GetStringOrNull(6), r.IsDBNull(7) ? null : r.GetInt32(7),
        decimal.Parse(r.GetString(8), CultureInfo.InvariantCulture), decimal.Parse(r.GetString(9), CultureInfo.InvariantCulture),
        r.GetTime(10), r.GetTime(11), r.GetInt32(12), r.GetString(13));
}
