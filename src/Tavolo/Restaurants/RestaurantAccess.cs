using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tavolo.Auth;
using Tavolo.Platform;

namespace Tavolo.Restaurants;

/// <summary>What the caller may do at one restaurant: allowed (with its role there), a member refused (403), or a stranger (404).</summary>
public readonly record struct Access(string? Role, bool IsMember, bool Allowed)
{
    /// <summary>The role an admin acts with: every permission, every role to give.</summary>
    public const string AdminRole = "ADMIN";

    public static readonly Access Stranger = new(null, false, false);

    /// <summary>The problem to answer when not allowed: 404 for a stranger (ids of other people's data are not confirmed), 403 for a member.</summary>
    public ProblemHttpResult Refusal(string notFound) => IsMember
        ? Problems.Forbidden($"Your role at this restaurant ({Role}) does not allow this.")
        : Problems.NotFound(notFound);

    public bool MayManageRole(string target) => Role == AdminRole || (Role is { } role && RestaurantPermissions.MayManageRole(role, target));
}

/// <summary>
/// Decides, per request, what the caller may do at a restaurant: an admin everything (where the restaurant exists), a
/// member what <see cref="RestaurantPermissions"/> gives its role, anyone else nothing. The membership is read from the
/// store on every call: on one process its cache is exact (every change writes through it), on Lambda it is read
/// every time — the same bound as a revoked session, so a removed member loses access at once.
/// </summary>
public sealed class RestaurantAccess(IRestaurantStore restaurants)
{
    public async Task<Access> CheckAsync(ClaimsPrincipal caller, string restaurantId, RestaurantPermission permission, CancellationToken cancellationToken)
    {
        if (caller.IsAdmin())
            return await restaurants.FindAsync(restaurantId, cancellationToken) is null ? Access.Stranger : new Access(Access.AdminRole, true, true);
        if (await restaurants.FindMemberAsync(restaurantId, caller.Id(), cancellationToken) is not { } member)
            return Access.Stranger;
        return new Access(member.Role, true, RestaurantPermissions.Allows(member.Role, permission));
    }

    /// <summary>Whether the caller is still allowed (open streams ask once a second).</summary>
    public async Task<bool> AllowsAsync(ClaimsPrincipal caller, string restaurantId, RestaurantPermission permission, CancellationToken cancellationToken) =>
        (await CheckAsync(caller, restaurantId, permission, cancellationToken)).Allowed;

    /// <summary>
    /// The restaurant a new record (a waitlist, a promo code) belongs to: the one named, or — when none is named — the
    /// caller's only restaurant where <paramref name="permission"/> is allowed. Returns the id, or the problem to answer:
    /// 400 when the caller works at several and named none, 403 when it works nowhere (a customer), 404/403 for a
    /// restaurant named that it may not use.
    /// </summary>
    public async Task<(string? RestaurantId, IResult? Refusal)> ChooseAsync(
        ClaimsPrincipal caller, string? named, RestaurantPermission permission, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(named))
        {
            var access = await CheckAsync(caller, named.Trim(), permission, cancellationToken);
            return access.Allowed ? (named.Trim(), null) : (null, access.Refusal("No such restaurant."));
        }
        if (caller.IsAdmin())
            return (null, Problems.Validation("restaurantId", "Required: name the restaurant."));
        var memberships = await restaurants.ListMembershipsAsync(caller.Id(), cancellationToken);
        // Memberships by person are an index that may lag a write by a moment on DynamoDB: an owner who has just
        // registered reads its first restaurant (whose id is its own) by key instead.
        if (memberships.Count == 0 && await restaurants.FindMemberAsync(caller.Id(), caller.Id(), cancellationToken) is { } first)
            memberships = [first];
        if (memberships.Count == 0)
            return (null, Problems.Forbidden("You work at no restaurant: register a restaurant account, or accept an invitation."));
        if (memberships.Count > 1)
            return (null, Problems.Validation("restaurantId", "Required: you work at several restaurants; name one."));
        var only = memberships[0];
        return RestaurantPermissions.Allows(only.Role, permission)
            ? (only.RestaurantId, null)
            : (null, Problems.Forbidden($"Your role at this restaurant ({only.Role}) does not allow this."));
    }
}
