namespace Tavolo.Users;

public static class Roles
{
    public const string Customer = "customer";
    public const string Owner = "owner";
    public const string Admin = "admin";

    public static readonly string[] All = [Customer, Owner, Admin];

    /// <summary>What registration may ask for; only an admin grants <c>admin</c>.</summary>
    public static readonly string[] SelfService = [Customer, Owner];
}
