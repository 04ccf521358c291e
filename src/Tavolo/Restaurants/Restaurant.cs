namespace Tavolo.Restaurants;

/// <summary>
/// A restaurant: its own record, run by its members. Restaurants that existed before restaurants were records (an
/// owner account was the restaurant) keep that account's id, and an owner's first restaurant takes the owner's id, so
/// every id printed before (QR codes, menu links, orders, promo codes) still names the same place.
/// </summary>
public sealed record Restaurant(
    string Id, string Name, string? Description, string? Address, string? Phone, string TimeZone, string Currency, string? Country,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public const string DefaultTimeZone = "UTC";
    public const string DefaultCurrency = "USD";
}

/// <summary>A person's place at a restaurant: what they may do there is decided by <see cref="Role"/> (<see cref="StaffRoles"/>).</summary>
public sealed record Membership(string RestaurantId, string UserId, string Role, DateTime Since);

/// <summary>
/// An invitation to join a restaurant with a role. Only the SHA-256 of its token is stored; the token itself is shown
/// once to the inviter (and emailed to the invitee).
/// </summary>
public sealed record Invitation(
    string Id, string RestaurantId, string Email, string Role, string TokenHash, string InvitedBy, DateTime CreatedAt, DateTime ExpiresAt)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    public const int MaxPending = 50;

    public bool IsPending(DateTime now) => ExpiresAt > now;
}

public static class StaffRoles
{
    public const string Owner = "OWNER";
    public const string Manager = "MANAGER";
    public const string Host = "HOST";
    public const string Kitchen = "KITCHEN";

    public static readonly string[] All = [Owner, Manager, Host, Kitchen];
}

/// <summary>The outcome of a staff change that must keep an <c>OWNER</c>.</summary>
public enum StaffWrite
{
    Done,
    NotMember,
    LastOwner,
}

public enum InvitationWrite
{
    Done,
    TooMany,
    AlreadyInvited,
}
