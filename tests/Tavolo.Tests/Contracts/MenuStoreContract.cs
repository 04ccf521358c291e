using Tavolo.Restaurants;

namespace Tavolo.Tests.Contracts;

/// <summary>What every <see cref="IMenuStore"/> adapter must do. Subclasses supply the adapter.</summary>
public abstract class MenuStoreContract
{
    protected abstract IMenuStore Store { get; }

    private static readonly DateTime T0 = new(2026, 11, 23, 18, 4, 5, DateTimeKind.Utc);

    private static MenuItem NewItem(string restaurantId, string name = "Margherita", decimal price = 12.50m, string? category = "Pizza", bool available = true) =>
        new(Guid.CreateVersion7().ToString("N"), restaurantId, name, "Tomato, mozzarella", price, category, available, T0, T0);

    private static string NewRestaurant() => "r-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task An_item_round_trips_exactly_under_its_restaurant_only()
    {
        var restaurant = NewRestaurant();
        var item = NewItem(restaurant, price: 0.35m) with { Description = null, Category = null };
        Assert.True(await Store.AddAsync(item, 500, default));
        var found = await Store.FindAsync(restaurant, item.Id, default);
        Assert.Equal(item, found);
        Assert.Equal("0.35", found!.Price.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(await Store.FindAsync(NewRestaurant(), item.Id, default));
        Assert.Null(await Store.FindAsync(restaurant, "missing", default));
        Assert.False(await Store.AddAsync(item, 500, default)); // the id is taken
    }

    [Fact]
    public async Task A_menu_is_read_whole_and_the_named_items_in_one_call()
    {
        var restaurant = NewRestaurant();
        var other = NewRestaurant();
        var items = new[] { NewItem(restaurant, "A"), NewItem(restaurant, "B", available: false), NewItem(restaurant, "C") };
        foreach (var item in items)
            await Store.AddAsync(item, 500, default);
        var foreign = NewItem(other, "Foreign");
        await Store.AddAsync(foreign, 500, default);

        Assert.Equal(items.Select(i => i.Id).Order(), (await Store.ListAsync(restaurant, default)).Select(i => i.Id).Order());
        Assert.Empty(await Store.ListAsync(NewRestaurant(), default));
        var named = await Store.FindManyAsync(restaurant, [items[0].Id, items[1].Id, items[0].Id, foreign.Id, "missing"], default);
        Assert.Equal(new[] { items[0].Id, items[1].Id }.Order(), named.Select(i => i.Id).Order());
        Assert.Empty(await Store.FindManyAsync(restaurant, [], default));
    }

    [Fact]
    public async Task Replace_keeps_the_creation_time_and_delete_removes()
    {
        var restaurant = NewRestaurant();
        var item = NewItem(restaurant);
        await Store.AddAsync(item, 500, default);
        var replacement = item with { Name = "Marinara", Description = null, Price = 9m, Category = null, Available = false, CreatedAt = T0.AddDays(1), UpdatedAt = T0.AddHours(1) };
        Assert.Equal(replacement with { CreatedAt = T0 }, await Store.ReplaceAsync(replacement, default));
        Assert.Equal(replacement with { CreatedAt = T0 }, await Store.FindAsync(restaurant, item.Id, default));
        Assert.Null(await Store.ReplaceAsync(replacement with { RestaurantId = NewRestaurant() }, default)); // not another restaurant's
        Assert.Null(await Store.ReplaceAsync(replacement with { Id = "missing" }, default));
        Assert.False(await Store.DeleteAsync(NewRestaurant(), item.Id, default));
        Assert.True(await Store.DeleteAsync(restaurant, item.Id, default));
        Assert.False(await Store.DeleteAsync(restaurant, item.Id, default));
        Assert.Null(await Store.FindAsync(restaurant, item.Id, default));
    }

    [Fact]
    public async Task Racing_adds_never_pass_the_cap_and_a_delete_makes_room()
    {
        var restaurant = NewRestaurant();
        const int cap = 5;
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Store.AddAsync(NewItem(restaurant, "Dish " + i), cap, default)));
        Assert.Equal(cap, results.Count(added => added));
        var menu = await Store.ListAsync(restaurant, default);
        Assert.Equal(cap, menu.Count);
        Assert.False(await Store.AddAsync(NewItem(restaurant), cap, default));
        Assert.True(await Store.DeleteAsync(restaurant, menu[0].Id, default));
        Assert.True(await Store.AddAsync(NewItem(restaurant), cap, default));
        Assert.False(await Store.AddAsync(NewItem(restaurant), cap, default));
        Assert.True(await Store.AddAsync(NewItem(NewRestaurant()), cap, default)); // each restaurant has its own cap
    }
}
