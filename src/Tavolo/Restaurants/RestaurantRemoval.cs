using Tavolo.Waitlists;

namespace Tavolo.Restaurants;

/// <summary>
/// Deletes a restaurant and what belongs to it in other stores (its waitlists with their parties, its menu); its
/// orders stay, readable to their customers. The restaurant record goes last, so a crash half-way leaves a restaurant
/// that can be deleted again, never records that belong to nothing.
/// </summary>
public sealed class RestaurantRemoval(IRestaurantStore restaurants, IWaitlistStore waitlists, IMenuStore menus)
{
    public async Task<bool> DeleteAsync(string restaurantId, CancellationToken cancellationToken)
    {
        if (await restaurants.FindAsync(restaurantId, cancellationToken) is null)
            return false;
        string? after = null;
        while (await waitlists.ListAsync([restaurantId], after, 100, cancellationToken) is { Count: > 0 } page)
        {
            foreach (var waitlist in page)
                await waitlists.DeleteAsync(waitlist.Id, cancellationToken);
            after = page[^1].Id;
        }
        foreach (var item in await menus.ListAsync(restaurantId, cancellationToken))
            await menus.DeleteAsync(restaurantId, item.Id, cancellationToken);
        return await restaurants.DeleteAsync(restaurantId, cancellationToken);
    }

    /// <summary>
    /// A deleted account leaves every restaurant it worked at; a restaurant it was the only <c>OWNER</c> of goes with
    /// it (nobody else could run it, as before restaurants were records, when deleting the account deleted the restaurant).
    /// </summary>
    public async Task LeaveAllAsync(string userId, CancellationToken cancellationToken)
    {
        foreach (var membership in await restaurants.ListMembershipsAsync(userId, cancellationToken))
        {
            if (await restaurants.RemoveMemberAsync(membership.RestaurantId, userId, cancellationToken) == StaffWrite.LastOwner)
                await DeleteAsync(membership.RestaurantId, cancellationToken);
        }
    }
}
