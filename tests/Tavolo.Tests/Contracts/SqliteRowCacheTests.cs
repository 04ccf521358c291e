using Microsoft.Extensions.Time.Testing;
using Tavolo.Orders;
using Tavolo.Restaurants;
using Tavolo.Storage.Sqlite;
using Tavolo.Users;

namespace Tavolo.Tests.Contracts;

/// <summary>
/// The SQLite stores that keep rows in memory (<see cref="RowCache{TKey, T}"/>), seen from a second store on the same
/// file — as another process would be: it keeps no absence (a caller's made-up ids never enter a cache), and a row it
/// kept that someone else changes is read again once its entry has lived <c>RowCache.Lifetime</c>.
/// </summary>
public sealed class SqliteRowCacheTests(SqliteFixture sqlite) : IClassFixture<SqliteFixture>
{
    private static readonly DateTime T0 = new(2026, 12, 7, 6, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Users_an_unknown_id_is_not_kept_and_another_writers_change_is_seen_after_the_lifetime()
    {
        var clock = new FakeTimeProvider(T0);
        var (reader, writer) = (new SqliteUserStore(sqlite.Database, clock), new SqliteUserStore(sqlite.Database, clock));
        var user = new User(Guid.NewGuid().ToString("N"), $"{Guid.NewGuid():N}@example.com", "Ada", Roles.Owner, "hash", T0, T0);

        Assert.Null(await reader.FindAsync(user.Id, default));
        Assert.Equal(UserWrite.Done, await writer.CreateAsync(user, default));
        Assert.Equal(user, await reader.FindAsync(user.Id, default)); // the miss was not kept

        Assert.Equal(UserWrite.Done, await writer.UpdateAsync(user with { Role = Roles.Customer, UpdatedAt = T0.AddSeconds(1) }, T0, default));
        Assert.Equal(Roles.Owner, (await reader.FindAsync(user.Id, default))!.Role); // kept, and the writer is not this store
        clock.Advance(RowCache<string, User>.Lifetime);
        Assert.Equal(Roles.Customer, (await reader.FindAsync(user.Id, default))!.Role);

        Assert.Equal(UserWrite.Done, await reader.UpdateAsync(user with { Name = "Ada L.", UpdatedAt = T0.AddSeconds(2) }, T0.AddSeconds(1), default));
        Assert.Equal("Ada L.", (await reader.FindAsync(user.Id, default))!.Name); // its own write: at once
    }

    [Fact]
    public async Task Menu_items_an_unknown_id_is_not_kept_and_a_store_sees_its_own_changes_at_once()
    {
        var clock = new FakeTimeProvider(T0);
        var (reader, writer) = (new SqliteMenuStore(sqlite.Database, clock), new SqliteMenuStore(sqlite.Database, clock));
        var restaurant = Guid.NewGuid().ToString("N");
        var dish = new MenuItem(Guid.NewGuid().ToString("N"), restaurant, "Soup", null, 4m, null, true, T0, T0);

        Assert.Empty(await reader.FindManyAsync(restaurant, [dish.Id, "made-up"], default));
        Assert.True(await writer.AddAsync(dish, 100, default));
        Assert.Equal([dish], await reader.FindManyAsync(restaurant, [dish.Id, "made-up"], default)); // neither miss was kept
        Assert.Equal(dish, await reader.FindAsync(restaurant, dish.Id, default));

        var dearer = dish with { Price = 5m, UpdatedAt = T0.AddSeconds(1) };
        Assert.Equal(dearer, await reader.ReplaceAsync(dearer, default));
        Assert.Equal(5m, (await reader.FindAsync(restaurant, dish.Id, default))!.Price);
        Assert.True(await reader.DeleteAsync(restaurant, dish.Id, default));
        Assert.Empty(await reader.FindManyAsync(restaurant, [dish.Id], default));
    }

    [Fact]
    public async Task Orders_an_unknown_id_is_not_kept_a_kept_order_is_shown_to_its_parties_only_and_another_writers_change_is_seen_after_the_lifetime()
    {
        var clock = new FakeTimeProvider(T0);
        var (reader, writer) = (new SqliteOrderStore(sqlite.Database, clock), new SqliteOrderStore(sqlite.Database, clock));
        var order = new Order(Guid.NewGuid().ToString(), "customer", "restaurant", OrderStatus.Placed, [new OrderItem("m-1", "Soup", 4m, 1, 4m)],
            4m, null, null, 0m, 4m, T0, T0, 1);

        Assert.Null(await reader.FindAsync(order.OrderId, null, default));
        Assert.True(await writer.CreateAsync(order, default));
        Assert.Equal(order.OrderId, (await reader.FindAsync(order.OrderId, null, default))?.OrderId); // the miss was not kept
        Assert.Null(await reader.FindAsync(order.OrderId, "someone-else", default)); // kept, and still not theirs
        Assert.NotNull(await reader.FindAsync(order.OrderId, "restaurant", default));

        Assert.NotNull(await writer.TransitionAsync(order.OrderId, OrderStatus.Acknowledged, T0.AddSeconds(1), null, default));
        Assert.Equal(OrderStatus.Placed, (await reader.FindAsync(order.OrderId, "customer", default))!.Status); // kept; the writer is not this store
        clock.Advance(RowCache<string, Order>.Lifetime);
        Assert.Equal(OrderStatus.Acknowledged, (await reader.FindAsync(order.OrderId, "customer", default))!.Status);
    }

    [Fact]
    public async Task Orders_count_their_lines_so_large_orders_fill_the_cache_sooner()
    {
        // 4,096 units, an order is 1 + its lines: 81 orders of 50 lines overflow it (82 rows would not by count alone),
        // so the first order kept is dropped and read again — seen here as another writer's change showing before 10 s.
        var clock = new FakeTimeProvider(T0);
        var (reader, writer) = (new SqliteOrderStore(sqlite.Database, clock), new SqliteOrderStore(sqlite.Database, clock));
        Order NewOrder(int lines) => new(Guid.NewGuid().ToString(), "customer", "restaurant", OrderStatus.Placed,
            [.. Enumerable.Range(0, lines).Select(i => new OrderItem($"m-{i}", "Soup", 4m, 1, 4m, new string('n', 200)))],
            4m * lines, null, null, 0m, 4m * lines, T0, T0, 1);
        var first = NewOrder(1);
        await writer.CreateAsync(first, default);
        Assert.NotNull(await reader.FindAsync(first.OrderId, null, default)); // kept
        await writer.TransitionAsync(first.OrderId, OrderStatus.Acknowledged, T0, null, default);
        Assert.Equal(OrderStatus.Placed, (await reader.FindAsync(first.OrderId, null, default))!.Status); // still the kept one

        foreach (var large in Enumerable.Range(0, 81).Select(_ => NewOrder(50)))
        {
            await writer.CreateAsync(large, default);
            Assert.NotNull(await reader.FindAsync(large.OrderId, null, default));
        }
        Assert.Equal(OrderStatus.Acknowledged, (await reader.FindAsync(first.OrderId, null, default))!.Status);
    }
}
