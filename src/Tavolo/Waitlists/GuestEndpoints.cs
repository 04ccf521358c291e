using Microsoft.AspNetCore.Http.HttpResults;
using Tavolo.Platform;

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
        var guest = app.MapGroup("/guest").WithTags("Guests").AllowAnonymous().ProducesProblem(StatusCodes.Status404NotFound);
        guest.MapGet("/{guestToken}", View).WithSummary("The guest's place in line (no contact details).");
        guest.MapDelete("/{guestToken}", Leave).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("The guest leaves the line (LEFT).");
        return app;
    }

    private static async Task<Results<Created<WaiteeView>, ProblemHttpResult>> Join(
        string id, JoinRequest request, IWaitlistStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, null, cancellationToken) is not { } waitlist)
            return Problems.NotFound("No such waitlist.");
        return await Waitees.AddAsync(waitlist, request.ToWaiteeRequest(), store, clock, cancellationToken);
    }

    private static async Task<Results<Ok<GuestView>, ProblemHttpResult>> View(
        string guestToken, IWaitlistStore store, CancellationToken cancellationToken)
    {
        if (await store.FindByGuestTokenAsync(guestToken, cancellationToken) is not { } waitee
            || await store.FindAsync(waitee.WaitlistId, null, cancellationToken) is not { } waitlist)
            return Problems.NotFound("No such place in line.");
        var perParty = await Waitees.MinutesPerPartyAsync(waitlist, store, cancellationToken);
        return TypedResults.Ok(new GuestView(waitlist.Name, waitee.Name, waitee.PartySize, waitee.Status, waitee.Position,
            WaitEstimator.EstimatedWaitMinutes(waitee, perParty), waitee.JoinedAt));
    }

    private static async Task<Results<Ok<WaiteeView>, ProblemHttpResult>> Leave(
        string guestToken, IWaitlistStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await store.FindByGuestTokenAsync(guestToken, cancellationToken) is not { } waitee
            || await store.FindAsync(waitee.WaitlistId, null, cancellationToken) is not { } waitlist)
            return Problems.NotFound("No such place in line.");
        var left = await store.TransitionAsync(waitee.Id, WaiteeStatus.Active, WaiteeStatus.Left, clock.GetUtcNow().UtcDateTime, cancellationToken);
        return left is null
            ? Problems.Conflict($"The party is already {waitee.Status}.")
            : TypedResults.Ok(WaiteeView.From(left, await Waitees.MinutesPerPartyAsync(waitlist, store, cancellationToken)));
    }
}
