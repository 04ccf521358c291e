using Tavolo.Platform;
using Tavolo.Restaurants;

namespace Tavolo.Orders;

/// <summary>
/// The server prices every order from the restaurant's menu; no client ever sets a price. One rounding rule for all
/// money: decimal arithmetic only, half away from zero, 2 places — per line and for the discount; total = subtotal − discount.
/// </summary>
public static class OrderPricing
{
    /// <summary>
    /// The priced lines of a validated request, from one read of the named menu items; or field errors under
    /// <c>items[i].menuItemId</c> for a dish that is unknown, unavailable or another restaurant's.
    /// </summary>
    public static async Task<(List<OrderItem>? Items, ValidationErrors? Errors)> PriceAsync(
        string restaurantId, IReadOnlyList<OrderItemRequest?> lines, IMenuStore menus, CancellationToken cancellationToken)
    {
        var ids = lines.Select(l => l!.MenuItemId!).Distinct(StringComparer.Ordinal).ToList();
        var menu = (await menus.FindManyAsync(restaurantId, ids, cancellationToken)).ToDictionary(i => i.Id, StringComparer.Ordinal);
        var errors = new ValidationErrors();
        var items = new List<OrderItem>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i]!;
            if (!menu.TryGetValue(line.MenuItemId!, out var dish))
                errors.Add($"items[{i}].menuItemId", "No such item on this restaurant's menu.");
            else if (!dish.Available)
                errors.Add($"items[{i}].menuItemId", $"{dish.Name} is not available at the moment.");
            else
                items.Add(new OrderItem(dish.Id, dish.Name, Round(dish.Price), line.Quantity!.Value, Round(line.Quantity.Value * dish.Price),
                    string.IsNullOrWhiteSpace(line.Note) ? null : line.Note.Trim()));
        }
        return errors.IsEmpty ? (items, null) : (null, errors);
    }

    public static (decimal Subtotal, decimal Discount, decimal Total) Totals(IEnumerable<OrderItem> items, int? discountPercentage)
    {
        var subtotal = Round(items.Sum(i => i.LineTotal));
        var discount = Round(subtotal * (discountPercentage ?? 0) / 100m);
        return (subtotal, discount, Round(subtotal - discount));
    }

    // Adding 0.00m gives every amount a scale of 2, so 12.5 is written as 12.50.
    public static decimal Round(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero) + 0.00m;

    /// <summary>
    /// Lines as stored. Lines written before menus (SQLite schema 3, DynamoDB order items without <c>v</c>) have no
    /// lineTotal: it is quantity × unitPrice, rounded. A current line's total is never 0 (the lowest price is 0.01).
    /// </summary>
    public static List<OrderItem> FromStorage(List<OrderItem> items)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].LineTotal == 0m)
                items[i] = items[i] with { LineTotal = Round(items[i].Quantity * items[i].UnitPrice) };
        }
        return items;
    }
}
