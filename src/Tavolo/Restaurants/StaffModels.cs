using System.Text.Json.Serialization;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.Restaurants;

/// <summary>A new restaurant, or (PUT) the whole replacement of its profile.</summary>
public sealed record RestaurantRequest(
    string? Name, string? Description, string? Address, string? Phone, string? TimeZone, string? Currency, string? Country) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        errors.Text("name", Name, 1, 100);
        errors.Text("description", Description, 0, 500, required: false);
        errors.Text("address", Address, 0, 200, required: false);
        if (Phone is not null && !Waitlists.WaiteeRules.IsE164(Phone))
            errors.Add("phone", "Must be an E.164 number, such as +390212345678.");
        ProfileRules.TimeZone(errors, TimeZone);
        ProfileRules.Currency(errors, Currency);
        ProfileRules.Country(errors, Country);
    }

    /// <summary>The restaurant this request describes (after <see cref="Validate"/> passed); blank optional text is absent.</summary>
    public Restaurant ToRestaurant(string id, DateTime createdAt, DateTime now) => new(
        id, Name!.Trim(), Blank(Description), Blank(Address), Blank(Phone), TimeZone?.Trim() ?? Restaurant.DefaultTimeZone,
        Currency?.Trim() ?? Restaurant.DefaultCurrency, Blank(Country), createdAt, now);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>A restaurant as its staff see it.</summary>
public sealed record RestaurantView(
    string Id, string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Address,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Phone,
    string TimeZone, string Currency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Country,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static RestaurantView From(Restaurant r) =>
        new(r.Id, r.Name, r.Description, r.Address, r.Phone, r.TimeZone, r.Currency, r.Country, r.CreatedAt, r.UpdatedAt);
}

/// <summary>A restaurant as anyone sees it (the directory, the menu page).</summary>
public sealed record RestaurantProfileView(
    string Id, string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Address,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Phone,
    string TimeZone, string Currency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Country)
{
    public static RestaurantProfileView From(Restaurant r) => new(r.Id, r.Name, r.Description, r.Address, r.Phone, r.TimeZone, r.Currency, r.Country);
}

/// <summary>Where the caller works: a restaurant and its role there.</summary>
public sealed record WorkplaceView(RestaurantView Restaurant, string Role);

public sealed record WorkplacesView(IReadOnlyList<WorkplaceView> Items);

public sealed record StaffMemberView(string UserId, string Name, string Email, string Role, DateTime Since);

public sealed record StaffView(IReadOnlyList<StaffMemberView> Items);

/// <summary>A member's new role.</summary>
public sealed record StaffRoleRequest(string? Role) : IValidatable
{
    public void Validate(ValidationErrors errors) => errors.OneOf("role", Role, StaffRoles.All);
}

public sealed record InvitationRequest(string? Email, string? Role) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        UserRules.Email(errors, Email);
        errors.OneOf("role", Role, StaffRoles.All);
    }
}

/// <summary>An invitation just made: the only answer that holds its token.</summary>
public sealed record InvitationCreatedView(
    string Id, string Email, string Role, DateTime ExpiresAt, string Token, string AcceptUrl);

/// <summary>A pending invitation as the back office lists it: never the token.</summary>
public sealed record InvitationView(
    string Id, string Email, string Role, DateTime CreatedAt, DateTime ExpiresAt, string InvitedBy)
{
    public static InvitationView From(Invitation i) => new(i.Id, i.Email, i.Role, i.CreatedAt, i.ExpiresAt, i.InvitedBy);
}

public sealed record InvitationsView(IReadOnlyList<InvitationView> Items);

/// <summary>What the accept page shows to whoever holds the link.</summary>
public sealed record InvitationPreview(
    string RestaurantName, string Role, string Email, DateTime ExpiresAt);
