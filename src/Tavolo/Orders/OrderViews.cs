using Tavolo.Restaurants;
using Tavolo.Users;

namespace Tavolo.Orders;

/// <summary>
/// Orders as the API shows them, with the names of the people they concern: the customer's name and the restaurant's,
/// read when shown (so a renamed restaurant shows its new name, a deleted account "Deleted customer"); one read per
/// distinct person on a page, both cached on one process.
/// </summary>
public sealed class OrderViews(IUserStore users, IRestaurantStore restaurants)
{
    public const string DeletedCustomer = "Deleted customer";
    public const string ClosedRestaurant = "Closed restaurant";

    /// <summary>One order (a read, a change): both names read at once, no collections (cache hits complete synchronously).</summary>
    public async Task<OrderView> ViewAsync(Order order, CancellationToken cancellationToken)
    {
        var customer = users.FindAsync(order.UserId, cancellationToken);
        var restaurant = restaurants.FindAsync(order.RestaurantId, cancellationToken);
        return OrderView.From(order, (await customer)?.Name ?? DeletedCustomer, (await restaurant)?.Name ?? ClosedRestaurant);
    }

    public async Task<IReadOnlyList<OrderView>> ViewsAsync(IReadOnlyList<Order> orders, CancellationToken cancellationToken)
    {
        var customers = new Dictionary<string, string>(StringComparer.Ordinal);
        var places = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var order in orders)
        {
            if (!customers.ContainsKey(order.UserId))
                customers[order.UserId] = (await users.FindAsync(order.UserId, cancellationToken))?.Name ?? DeletedCustomer;
            if (!places.ContainsKey(order.RestaurantId))
                places[order.RestaurantId] = (await restaurants.FindAsync(order.RestaurantId, cancellationToken))?.Name ?? ClosedRestaurant;
        }
        return orders.Select(o => OrderView.From(o, customers[o.UserId], places[o.RestaurantId])).ToList();
    }
}
