using System.Text.Json;
using System.Text.Json.Serialization;
using Tavolo.Platform;

namespace Tavolo.Restaurants;

public sealed record MenuItemView(
    string Id, string RestaurantId, string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description,
    decimal Price,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Category,
    bool Available, DateTime CreatedAt, DateTime UpdatedAt)
{
    // Adding 0.00m gives the price a scale of 2, so 12.5 is written as 12.50.
    public static MenuItemView From(MenuItem i) =>
        new(i.Id, i.RestaurantId, i.Name, i.Description, i.Price + 0.00m, i.Category, i.Available, i.CreatedAt, i.UpdatedAt);
}

public sealed record MenuView(string RestaurantId, string RestaurantName, string Currency, IReadOnlyList<MenuItemView> Items);

/// <summary>A new menu item, or (PUT) the whole replacement of one.</summary>
public sealed record MenuItemRequest(string? Name, string? Description, decimal? Price, string? Category, bool? Available) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        errors.Text("name", Name, 1, 100);
        errors.Text("description", Description, 0, 500, required: false);
        if (Price is not { } price)
            errors.Add("price", "Required.");
        else if (price < MenuRules.MinPrice || price > MenuRules.MaxPrice || decimal.Round(price, 2) != price)
            errors.Add("price", $"Must be {MenuRules.MinPrice:0.00} to {MenuRules.MaxPrice:0.00}, with at most 2 decimal places.");
        errors.Text("category", Category, 1, 50, required: false);
    }

    /// <summary>The item this request describes (call after <see cref="Validate"/> passed); blank optional text is absent.</summary>
    public MenuItem ToItem(string id, string restaurantId, DateTime createdAt, DateTime now) => new(
        id, restaurantId, Name!.Trim(), Blank(Description), Price!.Value, Blank(Category), Available ?? true, createdAt, now);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

public sealed record RestaurantListQuery : IValidatable
{
    /// <summary>Name contains (A–Z case-insensitive).</summary>
    public string? Q { get; init; }

    public string? Limit { get; init; }

    public string? Cursor { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.Text("q", Q, 1, 100, required: false);
        PageLimit.Validate(Limit, errors);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Page<RestaurantProfileView>))]
[JsonSerializable(typeof(RestaurantProfileView))]
[JsonSerializable(typeof(RestaurantView))]
[JsonSerializable(typeof(RestaurantRequest))]
[JsonSerializable(typeof(WorkplacesView))]
[JsonSerializable(typeof(WorkplaceView))]
[JsonSerializable(typeof(StaffView))]
[JsonSerializable(typeof(StaffMemberView))]
[JsonSerializable(typeof(StaffRoleRequest))]
[JsonSerializable(typeof(InvitationRequest))]
[JsonSerializable(typeof(InvitationCreatedView))]
[JsonSerializable(typeof(InvitationsView))]
[JsonSerializable(typeof(InvitationPreview))]
[JsonSerializable(typeof(MenuView))]
[JsonSerializable(typeof(MenuItemView))]
[JsonSerializable(typeof(MenuItemRequest))]
internal sealed partial class RestaurantsJson : JsonSerializerContext;
