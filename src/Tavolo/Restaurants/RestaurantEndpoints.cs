using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tavolo.Auth;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.Restaurants;

/// <summary>What the restaurant routes need.</summary>
public sealed record RestaurantServices([FromServices] IMenuStore Menus, [FromServices] IUserStore Users, [FromServices] Cursors Cursors, [FromServices] TimeProvider Clock);

/// <summary>The public restaurant directory and menus, and each restaurant's own menu writes (admins may write any).</summary>
public static class RestaurantEndpoints
{
    internal static void Map(RouteGroupBuilder restaurants)
    {
        restaurants.MapGet("/", List).WithSummary("The restaurant directory: every owner account, by name; ?q= filters by name.");
        restaurants.MapGet("/{restaurantId}/menu", Menu).WithSummary("A restaurant's whole menu (at most 500 items) by category, then name.");
        restaurants.MapGet("/{restaurantId}/menu/items/{itemId}", Get).WithSummary("One menu item.");
        var writes = restaurants.MapGroup("/{restaurantId}/menu/items").RequireAuthorization(Policies.Staff);
        writes.MapPost("/", Create).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Add a dish to the menu (the restaurant, admin); the 501st is refused with 409.");
        writes.MapPut("/{itemId}", Replace).WithSummary("Replace a dish (the restaurant, admin); orders already placed keep their price.");
        writes.MapDelete("/{itemId}", Delete).WithSummary("Take a dish off the menu (the restaurant, admin).");
    }

    private static async Task<Results<Ok<Page<RestaurantView>>, ValidationProblem>> List(
        [AsParameters] RestaurantListQuery query, [AsParameters] RestaurantServices services, CancellationToken cancellationToken)
    {
        var q = string.IsNullOrWhiteSpace(query.Q) ? null : query.Q.Trim();
        var scope = "restaurants|" + q;
        if (!services.Cursors.TryAfter(scope, query.Cursor, out var position))
            return Paging.InvalidCursor();
        (string Name, string Id)? after = null;
        if (position is not null)
        {
            var bar = position.LastIndexOf('|'); // the id has no bar; the name may
            if (bar < 0)
                return Paging.InvalidCursor();
            after = (position[..bar], position[(bar + 1)..]);
        }
        var limit = PageLimit.Parse(query.Limit);
        var rows = await services.Users.ListByNameAsync(Roles.Owner, q, after, limit + 1, cancellationToken);
        return TypedResults.Ok(services.Cursors.ToPage(scope, rows, limit, u => new RestaurantView(u.Id, u.Name), u => u.Name + "|" + u.Id));
    }

    private static async Task<Results<Ok<MenuView>, ProblemHttpResult>> Menu(
        string restaurantId, [AsParameters] RestaurantServices services, CancellationToken cancellationToken)
    {
        if (await services.Users.FindAsync(restaurantId, cancellationToken) is not { Role: Roles.Owner } restaurant)
            return Problems.NotFound("No such restaurant.");
        var items = await services.Menus.ListAsync(restaurantId, cancellationToken);
        return TypedResults.Ok(new MenuView(restaurant.Id, restaurant.Name, MenuRules.InMenuOrder(items).Select(MenuItemView.From).ToList()));
    }

    private static async Task<Results<Ok<MenuItemView>, ProblemHttpResult>> Get(
        string restaurantId, string itemId, [AsParameters] RestaurantServices services, CancellationToken cancellationToken) =>
        await services.Menus.FindAsync(restaurantId, itemId, cancellationToken) is { } item
            ? TypedResults.Ok(MenuItemView.From(item))
            : Problems.NotFound("No such menu item.");

    private static async Task<Results<Created<MenuItemView>, ValidationProblem, ProblemHttpResult>> Create(
        string restaurantId, MenuItemRequest request, ClaimsPrincipal caller, [AsParameters] RestaurantServices services,
        CancellationToken cancellationToken)
    {
        if (!await WritesMenuAsync(caller, restaurantId, services.Users, cancellationToken))
            return Problems.NotFound("No such restaurant.");
        var now = services.Clock.GetUtcNow().UtcDateTime;
        var item = request.ToItem(Ids.New(), restaurantId, now, now);
        if (!await services.Menus.AddAsync(item, MenuRules.MaxItems, cancellationToken))
            return Problems.Conflict($"A menu holds at most {MenuRules.MaxItems} items; delete one first.");
        return TypedResults.Created($"/restaurants/{restaurantId}/menu/items/{item.Id}", MenuItemView.From(item));
    }

    private static async Task<Results<Ok<MenuItemView>, ValidationProblem, ProblemHttpResult>> Replace(
        string restaurantId, string itemId, MenuItemRequest request, ClaimsPrincipal caller, [AsParameters] RestaurantServices services,
        CancellationToken cancellationToken)
    {
        if (!await WritesMenuAsync(caller, restaurantId, services.Users, cancellationToken))
            return Problems.NotFound("No such menu item.");
        var now = services.Clock.GetUtcNow().UtcDateTime;
        return await services.Menus.ReplaceAsync(request.ToItem(itemId, restaurantId, now, now), cancellationToken) is { } replaced
            ? TypedResults.Ok(MenuItemView.From(replaced))
            : Problems.NotFound("No such menu item.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string restaurantId, string itemId, ClaimsPrincipal caller, [AsParameters] RestaurantServices services, CancellationToken cancellationToken)
    {
        if (!await WritesMenuAsync(caller, restaurantId, services.Users, cancellationToken))
            return Problems.NotFound("No such menu item.");
        return await services.Menus.DeleteAsync(restaurantId, itemId, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("No such menu item.");
    }

    /// <summary>
    /// A menu is written by its restaurant or an admin (and only a restaurant has one). Anyone else gets "not found":
    /// the restaurant is public, but whether its menu's writes exist for you is not.
    /// </summary>
    private static async Task<bool> WritesMenuAsync(ClaimsPrincipal caller, string restaurantId, IUserStore users, CancellationToken cancellationToken)
    {
        if (caller.Id() == restaurantId)
            return caller.IsInRole(Roles.Owner);
        return caller.IsAdmin() && await users.FindAsync(restaurantId, cancellationToken) is { Role: Roles.Owner };
    }
}
