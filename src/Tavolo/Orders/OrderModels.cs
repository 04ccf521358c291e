using System.Text.Json;
using System.Text.Json.Serialization;
using Tavolo.Platform;
using Tavolo.PromoCodes;

namespace Tavolo.Orders;

public sealed record OrderView(
    string OrderId, string UserId, string RestaurantId, string Status, IReadOnlyList<OrderItem> Items, decimal Subtotal,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PromoCode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? DiscountPercentage,
    decimal Discount, decimal Total, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static OrderView From(Order o) => new(
        o.OrderId, o.UserId, o.RestaurantId, o.Status, o.Items, o.Subtotal, o.PromoCode, o.DiscountPercentage, o.Discount, o.Total,
        o.CreatedAt, o.UpdatedAt);
}

public sealed record OrderItemRequest(string? Name, int? Quantity, decimal? UnitPrice);

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
    public const decimal MaxUnitPrice = 100_000m;

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
            errors.Text(field + ".name", item.Name, 1, 100);
            errors.Range(field + ".quantity", item.Quantity, 1, MaxQuantity);
            if (item.UnitPrice is not { } price)
                errors.Add(field + ".unitPrice", "Required.");
            else if (price < 0 || price > MaxUnitPrice || decimal.Round(price, 2) != price)
                errors.Add(field + ".unitPrice", $"Must be 0.00 to {MaxUnitPrice:0.00}, with at most 2 decimal places.");
        }
    }

    public static void PromoCode(ValidationErrors errors, string? code)
    {
        if (code is not null && !PromoCodeRules.IsWellFormed(code))
            errors.Add("promoCode", "Must be 4 to 32 of A–Z, 0–9 and -.");
    }

    /// <summary>The priced items (from a validated request): the server computes every amount, never the client.</summary>
    public static List<OrderItem> ToItems(IReadOnlyList<OrderItemRequest?> items) =>
        items.Select(i => new OrderItem(i!.Name!.Trim(), i.Quantity!.Value, Money.Round(i.UnitPrice!.Value))).ToList();
}

/// <summary>Money: decimal, 2 places, half away from zero.</summary>
public static class Money
{
    // Adding 0.00m gives every amount a scale of 2, so 12.5 is written as 12.50.
    public static decimal Round(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero) + 0.00m;

    public static (decimal Subtotal, decimal Discount, decimal Total) Price(IEnumerable<OrderItem> items, int? discountPercentage)
    {
        var subtotal = Round(items.Sum(i => i.Quantity * i.UnitPrice));
        var discount = Round(subtotal * (discountPercentage ?? 0) / 100m);
        return (subtotal, discount, Round(subtotal - discount));
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(OrderRequest))]
[JsonSerializable(typeof(OrderUpdateRequest))]
[JsonSerializable(typeof(Page<OrderView>))]
[JsonSerializable(typeof(List<OrderItem>))]
internal sealed partial class OrdersJson : JsonSerializerContext;
