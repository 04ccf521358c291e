namespace Tavolo.Restaurants;

/// <summary>
/// The menus port (SQLite locally, DynamoDB on AWS). Every call names the restaurant: an item is found only under its
/// own restaurant, so another restaurant's item id is simply not found.
/// </summary>
public interface IMenuStore
{
    /// <summary>Adds an item unless the menu already holds <paramref name="maxItems"/> (checked in the same write); false when full.</summary>
    Task<bool> AddAsync(MenuItem item, int maxItems, CancellationToken cancellationToken);

    /// <summary>The restaurant's whole menu, in one read (any order: <see cref="MenuRules.InMenuOrder"/> sorts it).</summary>
    Task<IReadOnlyList<MenuItem>> ListAsync(string restaurantId, CancellationToken cancellationToken);

    Task<MenuItem?> FindAsync(string restaurantId, string itemId, CancellationToken cancellationToken);

    /// <summary>Those of <paramref name="itemIds"/> that are on the restaurant's menu, in one read (what pricing an order needs).</summary>
    Task<IReadOnlyList<MenuItem>> FindManyAsync(string restaurantId, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken);

    /// <summary>Replaces an existing item (same restaurant and id), keeping its <c>CreatedAt</c>: the stored item, or null when it is not there.</summary>
    Task<MenuItem?> ReplaceAsync(MenuItem item, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string restaurantId, string itemId, CancellationToken cancellationToken);
}
