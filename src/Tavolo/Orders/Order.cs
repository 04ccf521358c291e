using System.Text.Json.Serialization;

namespace Tavolo.Orders;

/// <summary>
/// A priced order line: <c>Name</c> and <c>UnitPrice</c> are the menu's at the time of pricing. <c>MenuItemId</c> is null
/// only on lines written before menus existed.
/// </summary>
public sealed record OrderItem(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MenuItemId,
    string Name, decimal UnitPrice, int Quantity, decimal LineTotal,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note = null);

/// <summary>An order, in its restaurant's <c>Currency</c> at the time it was placed. <c>Version</c> counts writes: edits are conditional on it, so no edit is lost to another.</summary>
public sealed record Order(
    string OrderId, string UserId, string RestaurantId, string Status, IReadOnlyList<OrderItem> Items,
    decimal Subtotal, string? PromoCode, int? DiscountPercentage, decimal Discount, decimal Total,
    DateTime CreatedAt, DateTime UpdatedAt, int Version, string Currency = "USD");

public static class OrderStatus
{
    public const string Placed = "PLACED";
    public const string Acknowledged = "ACKNOWLEDGED";
    public const string Canceled = "CANCELED";

    public static readonly string[] All = [Placed, Acknowledged, Canceled];
}

/// <summary>Which orders to list: all conditions hold (null = any).</summary>
public sealed record OrderFilter(string? UserId, string? RestaurantId, string? Status);
