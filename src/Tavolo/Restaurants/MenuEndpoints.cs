using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tavolo.Auth;
using Tavolo.Platform;

namespace Tavolo.Restaurants;

/// <summary>A restaurant's menu: read by anyone, written by its OWNER and MANAGER (admins: any).</summary>
public static class MenuEndpoints
{
    internal static void Map(RouteGroupBuilder restaurants)
    {
        restaurants.MapGet("/{restaurantId}/menu", Menu).WithSummary("A restaurant's whole menu (at most 500 items) by category, then name.");
        restaurants.MapGet("/{restaurantId}/menu/items/{itemId}", Get).WithSummary("One menu item.");
        var writes = restaurants.MapGroup("/{restaurantId}/menu/items").RequireAuthorization().ProducesProblem(StatusCodes.Status403Forbidden);
        writes.MapPost("/", Create).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Add a dish to the menu (OWNER, MANAGER, admin); the 501st is refused with 409.");
        writes.MapPut("/{itemId}", Replace).WithSummary("Replace a dish (OWNER, MANAGER, admin); orders already placed keep their price.");
        writes.MapDelete("/{itemId}", Delete).WithSummary("Take a dish off the menu (OWNER, MANAGER, admin).");
    }

    private static async Task<Results<Ok<MenuView>, ProblemHttpResult>> Menu(
        string restaurantId, IRestaurantStore restaurants, IMenuStore menus, CancellationToken cancellationToken)
    {
        if (await restaurants.FindAsync(restaurantId, cancellationToken) is not { } restaurant)
            return Problems.NotFound("No such restaurant.");
        var items = await menus.ListAsync(restaurantId, cancellationToken);
        return TypedResults.Ok(new MenuView(restaurant.Id, restaurant.Name, restaurant.Currency, MenuRules.InMenuOrder(items).Select(MenuItemView.From).ToList()));
    }

    private static async Task<Results<Ok<MenuItemView>, ProblemHttpResult>> Get(
        string restaurantId, string itemId, IMenuStore menus, CancellationToken cancellationToken) =>
        await menus.FindAsync(restaurantId, itemId, cancellationToken) is { } item
            ? TypedResults.Ok(MenuItemView.From(item))
            : Problems.NotFound("No such menu item.");

    private static async Task<Results<Created<MenuItemView>, ValidationProblem, ProblemHttpResult>> Create(
        string restaurantId, MenuItemRequest request, ClaimsPrincipal caller, IMenuStore menus, RestaurantAccess access, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var allowed = await access.CheckAsync(caller, restaurantId, RestaurantPermission.WriteMenu, cancellationToken);
        if (!allowed.Allowed)
            return allowed.Refusal("No such restaurant.");
        var now = clock.GetUtcNow().UtcDateTime;
        var item = request.ToItem(Ids.New(), restaurantId, now, now);
        if (!await menus.AddAsync(item, MenuRules.MaxItems, cancellationToken))
            return Problems.Conflict($"A menu holds at most {MenuRules.MaxItems} items; delete one first.");
        return TypedResults.Created($"/restaurants/{restaurantId}/menu/items/{item.Id}", MenuItemView.From(item));
    }

    private static async Task<Results<Ok<MenuItemView>, ValidationProblem, ProblemHttpResult>> Replace(
        string restaurantId, string itemId, MenuItemRequest request, ClaimsPrincipal caller, IMenuStore menus, RestaurantAccess access,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var allowed = await access.CheckAsync(caller, restaurantId, RestaurantPermission.WriteMenu, cancellationToken);
        if (!allowed.Allowed)
            return allowed.Refusal("No such menu item.");
        var now = clock.GetUtcNow().UtcDateTime;
        return await menus.ReplaceAsync(request.ToItem(itemId, restaurantId, now, now), cancellationToken) is { } replaced
            ? TypedResults.Ok(MenuItemView.From(replaced))
            : Problems.NotFound("No such menu item.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string restaurantId, string itemId, ClaimsPrincipal caller, IMenuStore menus, RestaurantAccess access, CancellationToken cancellationToken)
    {
        var allowed = await access.CheckAsync(caller, restaurantId, RestaurantPermission.WriteMenu, cancellationToken);
        if (!allowed.Allowed)
            return allowed.Refusal("No such menu item.");
        return await menus.DeleteAsync(restaurantId, itemId, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("No such menu item.");
    }
}
