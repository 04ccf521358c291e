using Tavolo.Orders;

namespace Tavolo.Tests.Contracts;

/// <summary>What every <see cref="IOrderStore"/> adapter must do. Subclasses supply the adapter.</summary>
public abstract class OrderStoreContract
{
    protected abstract IOrderStore Store { get; }

    private static readonly DateTime T0 = new(2026, 11, 23, 18, 4, 5, DateTimeKind.Utc);

    private static Order NewOrder(string? userId = null, string? restaurantId = null, DateTime? at = null, string? promo = null) =>
        new(Guid.NewGuid().ToString(), userId ?? Guid.NewGuid().ToString("N"), restaurantId ?? Guid.NewGuid().ToString("N"), OrderStatus.Placed,
            [new OrderItem("m-1", "Margherita", 12.50m, 2, 25.00m, "no basil"), new OrderItem("m-2", "Acqua", 0.99m, 1, 0.99m)], 25.99m, promo, promo is null ? null : 10,
            promo is null ? 0.00m : 2.60m, promo is null ? 25.99m : 23.39m, at ?? T0, at ?? T0, 1);

    [Fact]
    public async Task An_order_round_trips_exactly_and_its_id_is_taken_once()
    {
        var order = NewOrder(promo: "AUTUMN");
        Assert.True(await Store.CreateAsync(order, default));
        Assert.False(await Store.CreateAsync(order with { UserId = "someone-else" }, default));
        var found = await Store.FindAsync(order.OrderId, null, default);
        Assert.Equal(order with { Items = [] }, found! with { Items = [] });
        Assert.Equal(order.Items, found.Items);
        Assert.Equal("25.99", found.Subtotal.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(await Store.FindAsync(Guid.NewGuid().ToString(), null, default));
    }

    [Fact]
    public async Task An_order_is_found_for_its_customer_and_its_restaurant_only()
    {
        var order = NewOrder();
        await Store.CreateAsync(order, default);
        Assert.Equal(order.OrderId, (await Store.FindAsync(order.OrderId, order.UserId, default))?.OrderId);
        Assert.Equal(order.OrderId, (await Store.FindAsync(order.OrderId, order.RestaurantId, default))?.OrderId);
        Assert.Null(await Store.FindAsync(order.OrderId, "someone-else", default));
    }

    [Fact]
    public async Task An_update_needs_the_expected_version_and_a_placed_order()
    {
        var order = NewOrder();
        await Store.CreateAsync(order, default);
        var edited = order with { Items = [new OrderItem("m-3", "Lasagne", 9.90m, 1, 9.90m)], Subtotal = 9.90m, Total = 9.90m, UpdatedAt = T0.AddMinutes(1), Version = 2 };
        Assert.True(await Store.UpdateAsync(edited, 1, default));
        Assert.False(await Store.UpdateAsync(edited with { Version = 3 }, 1, default)); // lost the race: version moved on
        Assert.Equal(edited.Items, (await Store.FindAsync(order.OrderId, null, default))!.Items);
        Assert.NotNull(await Store.TransitionAsync(order.OrderId, OrderStatus.Acknowledged, T0.AddMinutes(2), null, default));
        var current = (await Store.FindAsync(order.OrderId, null, default))!;
        Assert.False(await Store.UpdateAsync(current with { Version = current.Version + 1 }, current.Version, default));
    }

    [Fact]
    public async Task Every_write_is_seen_by_the_next_read_of_an_order_just_read()
    {
        // An adapter may keep what it read (SQLite does, for this process's writes): reading before every write
        // checks that each write reaches the next read, and that what is kept is still shown only to the order's parties.
        var order = NewOrder();
        Assert.Null(await Store.FindAsync(order.OrderId, null, default)); // no absence is kept either
        Assert.True((await Store.InsertOnceAsync(order, "fingerprint", null, default)).Inserted);
        Assert.Equal(1, (await Store.FindAsync(order.OrderId, null, default))!.Version);

        var edited = order with { Items = [new OrderItem("m-3", "Lasagne", 9.90m, 1, 9.90m)], Subtotal = 9.90m, Total = 9.90m, UpdatedAt = T0.AddMinutes(1), Version = 2 };
        Assert.True(await Store.UpdateAsync(edited, 1, default));
        Assert.Equal(edited.Items, (await Store.FindAsync(order.OrderId, order.UserId, default))!.Items);

        Assert.NotNull(await Store.TransitionAsync(order.OrderId, OrderStatus.Acknowledged, T0.AddMinutes(2), null, default));
        var acknowledged = (await Store.FindAsync(order.OrderId, order.RestaurantId, default))!;
        Assert.Equal((OrderStatus.Acknowledged, 3), (acknowledged.Status, acknowledged.Version));
        Assert.Null(await Store.FindAsync(order.OrderId, "someone-else", default));
        Assert.Equal(3, (await Store.FindAsync(order.OrderId, order.UserId, default))!.Version);

        var other = NewOrder();
        Assert.Null(await Store.FindAsync(other.OrderId, other.UserId, default));
        Assert.True(await Store.CreateAsync(other, default));
        Assert.NotNull(await Store.FindAsync(other.OrderId, other.UserId, default));
    }

    [Fact]
    public async Task A_transition_happens_once_from_placed_and_respects_the_creation_bound()
    {
        var order = NewOrder();
        await Store.CreateAsync(order, default);
        Assert.Null(await Store.TransitionAsync(order.OrderId, OrderStatus.Canceled, T0.AddMinutes(11), T0.AddSeconds(1), default));
        var canceled = await Store.TransitionAsync(order.OrderId, OrderStatus.Canceled, T0.AddMinutes(10), T0, default);
        Assert.Equal(OrderStatus.Canceled, canceled!.Status);
        Assert.Equal(T0.AddMinutes(10), canceled.UpdatedAt);
        Assert.Equal(2, canceled.Version);
        Assert.Null(await Store.TransitionAsync(order.OrderId, OrderStatus.Acknowledged, T0.AddMinutes(12), null, default));
        Assert.Null(await Store.TransitionAsync(Guid.NewGuid().ToString(), OrderStatus.Acknowledged, T0, null, default));
    }

    [Fact]
    public async Task Of_racing_transitions_exactly_one_wins()
    {
        var order = NewOrder();
        await Store.CreateAsync(order, default);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Store.TransitionAsync(order.OrderId, i % 2 == 0 ? OrderStatus.Acknowledged : OrderStatus.Canceled, T0.AddMinutes(1), null, default)));
        Assert.Single(results, r => r is not null);
    }

    [Fact]
    public async Task Lists_are_newest_first_by_user_or_restaurant_with_status_and_keyset_paging()
    {
        var user = Guid.NewGuid().ToString("N");
        var restaurant = Guid.NewGuid().ToString("N");
        var orders = new List<Order>();
        for (var i = 0; i < 7; i++)
        {
            var order = NewOrder(user, i < 5 ? restaurant : null, T0.AddSeconds(i / 2)); // pairs share a time: the id breaks the tie
            orders.Add(order);
            await Store.CreateAsync(order, default);
        }
        await Store.CreateAsync(NewOrder(restaurantId: restaurant, at: T0), default); // another customer's
        await Store.TransitionAsync(orders[1].OrderId, OrderStatus.Acknowledged, T0.AddMinutes(1), null, default);

        var expected = orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.OrderId, StringComparer.Ordinal).Select(o => o.OrderId).ToList();
        Assert.Equal(expected, await PageAllAsync(new OrderFilter(user, null, null), 3));
        Assert.Equal(expected.Where(id => orders.Take(5).Any(o => o.OrderId == id)),
            await PageAllAsync(new OrderFilter(user, restaurant, null), 2));
        Assert.Equal(6, (await PageAllAsync(new OrderFilter(null, restaurant, null), 4)).Count);
        Assert.Equal([orders[1].OrderId], await PageAllAsync(new OrderFilter(user, null, OrderStatus.Acknowledged), 2));
    }

    private async Task<List<string>> PageAllAsync(OrderFilter filter, int limit)
    {
        var all = new List<string>();
        (DateTime, string)? before = null;
        while (true)
        {
            var page = await Store.ListAsync(filter, before, limit, default);
            all.AddRange(page.Select(o => o.OrderId));
            if (page.Count < limit)
                return all;
            before = (page[^1].CreatedAt, page[^1].OrderId);
        }
    }
}
