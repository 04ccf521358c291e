using Microsoft.AspNetCore.Http.HttpResults;
using Tavolo.Platform;
using Tavolo.Restaurants;
using Tavolo.Users;

namespace Tavolo.Waitlists;

/// <summary>The guest side: self check-in through a public link, and the guest's own view keyed by its token.</summary>
public static class GuestEndpoints
{
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/waitlists/{id}/join", Join).WithTags("Guests").AllowAnonymous().WithValidation()
            .RequireRateLimiting(RateLimits.PerAddress)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Guest self check-in while the waitlist is open.");
        app.MapGet("/waitlists/{id}/public", Public).WithTags("Guests").AllowAnonymous().AddEndpointFilter(ETags.Filter)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("What the self check-in page shows: name, open or closed, how many wait, the estimate for a party joining now.");
        var guest = app.MapGroup("/guest").WithTags("Guests").AllowAnonymous().ProducesProblem(StatusCodes.Status404NotFound);
        guest.MapGet("/{guestToken}", View).AddEndpointFilter(ETags.Filter).WithSummary("The guest's place in line (no contact details).");
        guest.MapDelete("/{guestToken}", Leave).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("The guest leaves the line (LEFT).");
        return app;
    }

    private static async Task<Results<Created<WaiteeView>, ProblemHttpResult>> Join(
        string id, JoinRequest request, HttpContext context, IWaitlistStore store, IRestaurantStore restaurants, JoinLimits limits, WaitlistChanges changes,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await OpenForGuestsAsync(id, store, restaurants, cancellationToken) is not { } waitlist)
            return Problems.NotFound("No such waitlist.");
        if (waitlist.IsOpen && limits.TryJoin(id, context) is { } tooMany)
            return tooMany;
        return await Waitees.AddAsync(waitlist, request.ToWaiteeRequest(), store, changes, clock, cancellationToken);
    }

    /// <summary>A waitlist whose restaurant still exists: a deleted restaurant's waitlists take no more guests (and show none).</summary>
    private static async Task<Waitlist?> OpenForGuestsAsync(string id, IWaitlistStore store, IRestaurantStore restaurants, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } waitlist && await restaurants.FindAsync(waitlist.RestaurantId, cancellationToken) is not null
            ? waitlist
            : null;

    private static async Task<Results<Ok<PublicWaitlistView>, ProblemHttpResult>> Public(
        string id, IWaitlistStore store, IRestaurantStore restaurants, CancellationToken cancellationToken)
    {
        if (await OpenForGuestsAsync(id, store, restaurants, cancellationToken) is not { } waitlist)
            return Problems.NotFound("No such waitlist.");
        var waiting = (await store.CountActiveAsync([id], cancellationToken)).GetValueOrDefault(id);
        var perParty = await Waitees.MinutesPerPartyAsync(waitlist, store, cancellationToken);
        // A party joining now would be at place waiting + 1: the same estimate its guest page will show.
        return TypedResults.Ok(new PublicWaitlistView(waitlist.Id, waitlist.Name, waitlist.Description, waitlist.IsOpen, waiting,
            (int)Math.Round(perParty * waiting, MidpointRounding.AwayFromZero)));
    }

    private static async Task<Results<Ok<GuestView>, ProblemHttpResult>> View(
        string guestToken, IWaitlistStore store, IRestaurantStore restaurants, CancellationToken cancellationToken) =>
        await Waitees.GuestViewAsync(guestToken, store, restaurants, cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : Problems.NotFound("No such place in line.");

    private static async Task<Results<Ok<WaiteeView>, ProblemHttpResult>> Leave(
        string guestToken, IWaitlistStore store, WaitlistChanges changes, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await store.FindByGuestTokenAsync(guestToken, cancellationToken) is not { } waitee
            || await store.FindAsync(waitee.WaitlistId, cancellationToken) is not { } waitlist)
            return Problems.NotFound("No such place in line.");
        var left = await store.TransitionAsync(waitee.Id, WaiteeStatus.Active, WaiteeStatus.Left, clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (left is not null)
            changes.Publish(waitee.WaitlistId, WaitlistChange.WaiteeKind, waitee.Id);
        return left is null
            ? Problems.Conflict($"The party is already {waitee.Status}.")
            : TypedResults.Ok(WaiteeView.From(left, waitlist, await Waitees.MinutesPerPartyAsync(waitlist, store, cancellationToken)));
    }
}
