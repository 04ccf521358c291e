namespace Tavolo.Restaurants;

/// <summary>A dish on a restaurant's menu. <c>RestaurantId</c> is the owner account's user id.</summary>
public sealed record MenuItem(
    string Id, string RestaurantId, string Name, string? Description, decimal Price, string? Category, bool Available,
    DateTime CreatedAt, DateTime UpdatedAt);

public static class MenuRules
{
    public const int MaxItems = 500;
    public const decimal MinPrice = 0.01m;
    public const decimal MaxPrice = 10_000m;

    /// <summary>The public menu's order: by category (uncategorised last), then name, then id; case-insensitive.</summary>
    public static IReadOnlyList<MenuItem> InMenuOrder(IEnumerable<MenuItem> items) =>
        items.OrderBy(i => i.Category is null)
            .ThenBy(i => i.Category, StringComparer.OrdinalIgnoreCase)
            .ThenBy(i => i.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .ToList();
}
