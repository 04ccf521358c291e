namespace Tavolo.Restaurants;

/// <summary>
/// The restaurants port (SQLite locally, DynamoDB on AWS): restaurants, their members and their invitations — one
/// concept behind one boundary. Waitlists, menus, orders and promo codes name a restaurant by id and live in their own
/// stores; what a member may do with them is decided by <see cref="RestaurantAccess"/> from <see cref="FindMemberAsync"/>.
/// </summary>
public interface IRestaurantStore
{
    /// <summary>Creates the restaurant with <paramref name="ownerUserId"/> as its first <c>OWNER</c>, in one write; false when the id is taken.</summary>
    Task<bool> CreateAsync(Restaurant restaurant, string ownerUserId, CancellationToken cancellationToken);

    Task<Restaurant?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>The directory: restaurants by name (case-insensitive), then id, after <paramref name="after"/>; optionally whose name contains <paramref name="nameContains"/>.</summary>
    Task<IReadOnlyList<Restaurant>> ListByNameAsync(string? nameContains, (string Name, string Id)? after, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces the profile (keeping <c>CreatedAt</c>); false when the restaurant is gone.</summary>
    Task<bool> ReplaceAsync(Restaurant restaurant, CancellationToken cancellationToken);

    /// <summary>Deletes the restaurant with its members and invitations; false when it was not there.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>The caller's membership, read on every request that needs it (never older than a revoked session may be).</summary>
    Task<Membership?> FindMemberAsync(string restaurantId, string userId, CancellationToken cancellationToken);

    /// <summary>A restaurant's members, oldest first.</summary>
    Task<IReadOnlyList<Membership>> ListStaffAsync(string restaurantId, CancellationToken cancellationToken);

    /// <summary>Where a person works.</summary>
    Task<IReadOnlyList<Membership>> ListMembershipsAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Changes a member's role, in one conditional write that never leaves the restaurant without an <c>OWNER</c>.</summary>
    Task<StaffWrite> SetRoleAsync(string restaurantId, string userId, string role, CancellationToken cancellationToken);

    /// <summary>Removes a member, under the same last-owner rule.</summary>
    Task<StaffWrite> RemoveMemberAsync(string restaurantId, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores an invitation unless the restaurant already has <paramref name="maxPending"/> pending ones or one pending
    /// for the same email (expired ones do not count, and may be dropped on the way).
    /// </summary>
    Task<InvitationWrite> InviteAsync(Invitation invitation, int maxPending, DateTime now, CancellationToken cancellationToken);

    /// <summary>The restaurant's pending invitations, oldest first.</summary>
    Task<IReadOnlyList<Invitation>> ListInvitationsAsync(string restaurantId, DateTime now, CancellationToken cancellationToken);

    /// <summary>The invitation whose token hashes to <paramref name="tokenHash"/>, pending or not (the caller checks expiry).</summary>
    Task<Invitation?> FindInvitationAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>Withdraws a pending invitation; false when it is not the restaurant's.</summary>
    Task<bool> WithdrawAsync(string restaurantId, string invitationId, CancellationToken cancellationToken);

    /// <summary>
    /// Spends the invitation and makes <paramref name="userId"/> a member with its role, in one write; false when it
    /// was spent, withdrawn or expired meanwhile. A person who is already a member keeps the role they have.
    /// </summary>
    Task<bool> AcceptAsync(Invitation invitation, string userId, DateTime now, CancellationToken cancellationToken);
}
