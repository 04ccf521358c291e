using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tavolo.Auth;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.Restaurants;

/// <summary>Restaurants as records: the public directory and profiles; create (owner accounts), edit, delete; where I work.</summary>
public static class RestaurantEndpoints
{
    internal static void Map(RouteGroupBuilder restaurants, IEndpointRouteBuilder app)
    {
        restaurants.MapGet("/", List).WithSummary("The restaurant directory, by name; ?q= filters by name.");
        restaurants.MapPost("/", Create).RequireAuthorization(Policies.Staff).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Open a restaurant (owner accounts, admin): the caller becomes its OWNER.");
        restaurants.MapGet("/{restaurantId}", Get).WithSummary("A restaurant's public profile.");
        restaurants.MapPut("/{restaurantId}", Replace).RequireAuthorization().ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Replace the profile (OWNER, MANAGER, admin).");
        restaurants.MapDelete("/{restaurantId}", Delete).RequireAuthorization().ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Delete the restaurant with its waitlists, menu, staff and invitations (OWNER, admin); its orders stay.");
        app.MapGet("/users/me/restaurants", Mine).WithTags("Restaurants").RequireAuthorization()
            .WithSummary("Where the caller works, with its role there, by name.");
    }

    private static async Task<Results<Ok<Page<RestaurantProfileView>>, ValidationProblem>> List(
        [AsParameters] RestaurantListQuery query, IRestaurantStore restaurants, Cursors cursors, CancellationToken cancellationToken)
    {
        var q = string.IsNullOrWhiteSpace(query.Q) ? null : query.Q.Trim();
        var scope = "restaurants|" + q;
        if (!cursors.TryAfter(scope, query.Cursor, out var position))
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
        var rows = await restaurants.ListByNameAsync(q, after, limit + 1, cancellationToken);
        return TypedResults.Ok(cursors.ToPage(scope, rows, limit, RestaurantProfileView.From, r => r.Name + "|" + r.Id));
    }

    private static async Task<Results<Created<RestaurantView>, ProblemHttpResult>> Create(
        RestaurantRequest request, ClaimsPrincipal caller, IRestaurantStore restaurants, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var restaurant = request.ToRestaurant(Ids.New(), now, now);
        if (!await restaurants.CreateAsync(restaurant, caller.Id(), cancellationToken))
            return Problems.Conflict("A restaurant with this id already exists."); // a fresh id: does not happen
        return TypedResults.Created($"/restaurants/{restaurant.Id}", RestaurantView.From(restaurant));
    }

    private static async Task<Results<Ok<RestaurantProfileView>, ProblemHttpResult>> Get(
        string restaurantId, IRestaurantStore restaurants, CancellationToken cancellationToken) =>
        await restaurants.FindAsync(restaurantId, cancellationToken) is { } restaurant
            ? TypedResults.Ok(RestaurantProfileView.From(restaurant))
            : Problems.NotFound("No such restaurant.");

    private static async Task<Results<Ok<RestaurantView>, ProblemHttpResult>> Replace(
        string restaurantId, RestaurantRequest request, ClaimsPrincipal caller, IRestaurantStore restaurants, RestaurantAccess access,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var allowed = await access.CheckAsync(caller, restaurantId, RestaurantPermission.EditProfile, cancellationToken);
        if (!allowed.Allowed)
            return allowed.Refusal("No such restaurant.");
        if (await restaurants.FindAsync(restaurantId, cancellationToken) is not { } current)
            return Problems.NotFound("No such restaurant.");
        var replaced = request.ToRestaurant(restaurantId, current.CreatedAt, clock.GetUtcNow().UtcDateTime);
        return await restaurants.ReplaceAsync(replaced, cancellationToken)
            ? TypedResults.Ok(RestaurantView.From(replaced))
            : Problems.NotFound("No such restaurant.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string restaurantId, ClaimsPrincipal caller, RestaurantAccess access, RestaurantRemoval removal, CancellationToken cancellationToken)
    {
        var allowed = await access.CheckAsync(caller, restaurantId, RestaurantPermission.DeleteRestaurant, cancellationToken);
        if (!allowed.Allowed)
            return allowed.Refusal("No such restaurant.");
        return await removal.DeleteAsync(restaurantId, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("No such restaurant.");
    }

    private static async Task<Ok<WorkplacesView>> Mine(ClaimsPrincipal caller, IRestaurantStore restaurants, CancellationToken cancellationToken)
    {
        var items = new List<WorkplaceView>();
        foreach (var membership in await restaurants.ListMembershipsAsync(caller.Id(), cancellationToken))
        {
            if (await restaurants.FindAsync(membership.RestaurantId, cancellationToken) is { } restaurant)
                items.Add(new WorkplaceView(RestaurantView.From(restaurant), membership.Role));
        }
        return TypedResults.Ok(new WorkplacesView(
            items.OrderBy(i => i.Restaurant.Name, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.Restaurant.Id, StringComparer.Ordinal).ToList()));
    }

    /// <summary>
    /// An owner account's first restaurant, made with the account: its id is the account's, so clients written when a
    /// restaurant was an account (restaurantId = the owner's user id) keep working.
    /// </summary>
    public static Task<bool> CreateFirstAsync(User owner, string? restaurantName, IRestaurantStore restaurants, CancellationToken cancellationToken) =>
        restaurants.CreateAsync(new Restaurant(
            owner.Id, string.IsNullOrWhiteSpace(restaurantName) ? owner.Name : restaurantName.Trim(), null, null, null,
            Restaurant.DefaultTimeZone, Restaurant.DefaultCurrency, null, owner.CreatedAt, owner.CreatedAt), owner.Id, cancellationToken);
}
