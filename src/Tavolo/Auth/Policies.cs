using Tavolo.Users;

namespace Tavolo.Auth;

/// <summary>The authorization policies routes name (registered in <see cref="AuthModule"/>).</summary>
public static class Policies
{
    /// <summary>Owners and admins: the back office (waitlists, promo codes).</summary>
    public const string Staff = "staff";

    public const string Admin = Roles.Admin;
}
