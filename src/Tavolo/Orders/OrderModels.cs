using System.Text.Json;
using System.Text.Json.Serialization;
using Tavolo.Platform;
using Tavolo.PromoCodes;

namespace Tavolo.Orders;

public sealed record OrderView(
    string OrderId, string UserId, string CustomerName, string RestaurantId, string RestaurantName, string Currency, string Status,
    IReadOnlyList<OrderItem> Items, decimal Subtotal,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PromoCode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? DiscountPercentage,
    decimal Discount, decimal Total, DateTime CreatedAt, DateTime UpdatedAt)
{
    /// <summary>The view of an order with the names <see cref="OrderViews"/> read.</summary>
    public static OrderView From(Order o, string customerName, string restaurantName) => new(
        o.OrderId, o.UserId, customerName, o.RestaurantId, restaurantName, o.Currency, o.Status, o.Items, o.Subtotal, o.PromoCode,
        o.DiscountPercentage, o.Discount, o.Total, o.CreatedAt, o.UpdatedAt);
}

/// <summary>An order line as the client sends it: which dish and how many. Any name or price it adds is ignored.</summary>
public sealed record OrderItemRequest(string? MenuItemId, int? Quantity, string? Note);

/// <summary>A new order. <c>orderId</c> is the client's UUID and the idempotency key.</summary>
public sealed record OrderRequest(string? OrderId, string? RestaurantId, IReadOnlyList<OrderItemRequest?>? Items, string? PromoCode) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        if (OrderId is null)
            errors.Add("orderId", "Required.");
        else if (!Guid.TryParseExact(OrderId, "D", out _))
            errors.Add("orderId", "Must be a UUID, such as 0b6f3c1e-7a52-4c8e-9d1a-2f4b5c6d7e8f.");
        errors.Text("restaurantId", RestaurantId, 1, 64);
        OrderRules.Items(errors, Items);
        OrderRules.PromoCode(errors, PromoCode);
    }
}

/// <summary>An edit of a PLACED order: the new items, and the code (absent: none).</summary>
public sealed record OrderUpdateRequest(IReadOnlyList<OrderItemRequest?>? Items, string? PromoCode) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        OrderRules.Items(errors, Items);
        OrderRules.PromoCode(errors, PromoCode);
    }
}

public sealed record OrderListQuery : IValidatable
{
    public string? Status { get; init; }

    public string? RestaurantId { get; init; }

    public string? UserId { get; init; }

    public string? Limit { get; init; }

    public string? Cursor { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.OneOf("status", Status, OrderStatus.All, required: false);
        errors.Text("restaurantId", RestaurantId, 1, 64, required: false);
        errors.Text("userId", UserId, 1, 64, required: false);
        PageLimit.Validate(Limit, errors);
    }
}

public static class OrderRules
{
    public const int MaxItems = 50;
    public const int MaxQuantity = 100;

    public static void Items(ValidationErrors errors, IReadOnlyList<OrderItemRequest?>? items)
    {
        if (items is null || items.Count is 0 or > MaxItems)
        {
            errors.Add("items", $"Give 1 to {MaxItems} items.");
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            var field = $"items[{i}]";
            if (items[i] is not { } item)
            {
                errors.Add(field, "Required.");
                continue;
            }
            errors.Text(field + ".menuItemId", item.MenuItemId, 1, 64);
            errors.Range(field + ".quantity", item.Quantity, 1, MaxQuantity);
            errors.Text(field + ".note", item.Note, 0, 200, required: false);
        }
    }

    public static void PromoCode(ValidationErrors errors, string? code)
    {
        if (code is not null && !PromoCodeRules.IsWellFormed(code))
            errors.Add("promoCode", "Must be 4 to 32 of A–Z, 0–9 and -.");
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(OrderRequest))]
[JsonSerializable(typeof(OrderUpdateRequest))]
[JsonSerializable(typeof(Page<OrderView>))]
[JsonSerializable(typeof(List<OrderItem>))]
internal sealed partial class OrdersJson : JsonSerializerContext;
