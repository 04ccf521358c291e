namespace Tavolo.Restaurants;

/// <summary>What a member may do at a restaurant: one entry per row of the contract's membership table.</summary>
public enum RestaurantPermission
{
    /// <summary>Change the profile; read analytics.</summary>
    EditProfile,
    DeleteRestaurant,
    ListStaff,
    /// <summary>Invite, change a role, remove: an OWNER any role, a MANAGER only HOST and KITCHEN (<see cref="RestaurantPermissions.MayManageRole"/>).</summary>
    ManageStaff,
    WriteMenu,
    ManagePromoCodes,
    ManageWaitlists,
    /// <summary>Run the line: waitees, notify, seat, open/close, streams, SMS replies.</summary>
    RunLine,
    /// <summary>The orders placed with the restaurant: list, stream, acknowledge.</summary>
    HandleOrders,
}

/// <summary>
/// The membership table of the contract, in one place: every route asks <see cref="RestaurantAccess"/>, which asks
/// this. No handler checks a role by itself.
/// </summary>
public static class RestaurantPermissions
{
    private static readonly string[] OwnerOnly = [StaffRoles.Owner];
    private static readonly string[] Managers = [StaffRoles.Owner, StaffRoles.Manager];
    private static readonly string[] FrontOfHouse = [StaffRoles.Owner, StaffRoles.Manager, StaffRoles.Host];
    private static readonly string[] OrderHandlers = [StaffRoles.Owner, StaffRoles.Manager, StaffRoles.Kitchen];

    public static IReadOnlyList<string> RolesFor(RestaurantPermission permission) => permission switch
    {
        RestaurantPermission.DeleteRestaurant => OwnerOnly,
        RestaurantPermission.RunLine => FrontOfHouse,
        RestaurantPermission.HandleOrders => OrderHandlers,
        _ => Managers, // profile, analytics, staff, menu, promo codes, waitlists
    };

    public static bool Allows(string role, RestaurantPermission permission) => RolesFor(permission).Contains(role);

    /// <summary>Whether a member with <paramref name="role"/> may give, take or change <paramref name="target"/> (an admin: any).</summary>
    public static bool MayManageRole(string role, string target) => role switch
    {
        StaffRoles.Owner => true,
        StaffRoles.Manager => target is StaffRoles.Host or StaffRoles.Kitchen,
        _ => false,
    };
}
