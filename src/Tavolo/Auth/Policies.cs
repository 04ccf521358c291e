using Tavolo.Users;

namespace Tavolo.Auth;

/// <summary>The authorization policies routes name (registered in <see cref="AuthModule"/>).</summary>
public static class Policies
{
    /// <summary>Owner accounts and admins: who may open a restaurant (what one may do at a restaurant is its membership: RestaurantAccess).</summary>
    public const string Staff = "staff";

    public const string Admin = Roles.Admin;
}
