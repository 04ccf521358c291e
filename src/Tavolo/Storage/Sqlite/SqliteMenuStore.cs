using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Tavolo.Restaurants;

namespace Tavolo.Storage.Sqlite;

/// <summary>Menus in one table keyed (and indexed) by restaurant, then item id.</summary>
public sealed class SqliteMenuStore(SqliteDatabase database, TimeProvider clock) : IMenuStore
{
    private const string Columns = "id, restaurant_id, name, description, price, category, available, created_at, updated_at";

    private readonly RowCache<(string Restaurant, string Item), MenuItem> _items = new(clock); // every order prices its lines

    public Task<bool> AddAsync(MenuItem item, int maxItems, CancellationToken cancellationToken) => _items.ForgetAfter((item.RestaurantId, item.Id),
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            // One statement: the count and the insert happen in the same write, so two racing adds cannot make max + 1.
            return await connection.ExecuteAsync(
                $"""
                INSERT INTO menu_items ({Columns})
                SELECT $id, $restaurant, $name, $description, $price, $category, $available, $created, $updated
                WHERE (SELECT COUNT(*) FROM menu_items WHERE restaurant_id = $restaurant) < $max
                ON CONFLICT (restaurant_id, id) DO NOTHING;
                """, cancellationToken, [.. Parameters(item), ("$max", maxItems)]) == 1;
        }, cancellationToken));

    public async Task<IReadOnlyList<MenuItem>> ListAsync(string restaurantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {Columns} FROM menu_items WHERE restaurant_id = $restaurant;", Read, cancellationToken, ("$restaurant", restaurantId));
    }

    public async Task<MenuItem?> FindAsync(string restaurantId, string itemId, CancellationToken cancellationToken) =>
        (await FindManyAsync(restaurantId, [itemId], cancellationToken)) is [var item] ? item : null;

    public async Task<IReadOnlyList<MenuItem>> FindManyAsync(string restaurantId, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken)
    {
        var found = new List<MenuItem>(itemIds.Count);
        List<string>? missing = null;
        foreach (var id in itemIds.Distinct(StringComparer.Ordinal))
        {
            if (_items.TryGet((restaurantId, id), out var cached))
                found.Add(cached);
            else
                (missing ??= []).Add(id);
        }
        if (missing is null)
            return found;

        var version = _items.Version;
        await using var connection = await database.OpenAsync(cancellationToken);
        // The ids travel as one JSON array parameter: one statement, however many lines the order has.
        var read = await connection.QueryAsync(
            $"SELECT {Columns} FROM menu_items WHERE restaurant_id = $restaurant AND id IN (SELECT value FROM json_each($ids));",
            Read, cancellationToken, ("$restaurant", restaurantId), ("$ids", new JsonArray([.. missing.Select(id => JsonValue.Create(id))]).ToJsonString()));
        foreach (var item in read)
            _items.Keep((restaurantId, item.Id), item, version);
        found.AddRange(read);
        return found;
    }

    public Task<MenuItem?> ReplaceAsync(MenuItem item, CancellationToken cancellationToken) => _items.ForgetAfter((item.RestaurantId, item.Id),
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            var rows = await connection.QueryAsync(
                $"""
                UPDATE menu_items SET name = $name, description = $description, price = $price, category = $category,
                    available = $available, updated_at = $updated
                WHERE restaurant_id = $restaurant AND id = $id
                RETURNING {Columns};
                """, Read, cancellationToken, Parameters(item));
            return rows.Count == 0 ? null : rows[0];
        }, cancellationToken));

    public Task<bool> DeleteAsync(string restaurantId, string itemId, CancellationToken cancellationToken) => _items.ForgetAfter((restaurantId, itemId),
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync(
                "DELETE FROM menu_items WHERE restaurant_id = $restaurant AND id = $id;", cancellationToken, ("$restaurant", restaurantId), ("$id", itemId)) == 1, cancellationToken));

    private static (string, object?)[] Parameters(MenuItem i) =>
    [
        ("$id", i.Id), ("$restaurant", i.RestaurantId), ("$name", i.Name), ("$description", i.Description),
        ("$price", i.Price.ToString(CultureInfo.InvariantCulture)), ("$category", i.Category), ("$available", i.Available ? 1 : 0),
        ("$created", Sql.Time(i.CreatedAt)), ("$updated", Sql.Time(i.UpdatedAt)),
    ];

    private static MenuItem Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetStringOrNull(3), decimal.Parse(r.GetString(4), CultureInfo.InvariantCulture),
        r.GetStringOrNull(5), r.GetInt32(6) != 0, r.GetTime(7), r.GetTime(8));
}
