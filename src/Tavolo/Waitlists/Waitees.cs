using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Tavolo.Platform;
using Tavolo.Restaurants;

namespace Tavolo.Waitlists;

/// <summary>What the staff and guest routes share about waitees: joining the line, the estimate.</summary>
public static class Waitees
{
    public static async Task<Results<Created<WaiteeView>, ProblemHttpResult>> AddAsync(
        Waitlist waitlist, WaiteeRequest request, IWaitlistStore store, WaitlistChanges changes, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!waitlist.IsOpen)
            return Problems.Conflict("The waitlist is closed.");
        var now = clock.GetUtcNow().UtcDateTime;
        var waitee = new Waitee(Ids.New(), waitlist.Id, request.Name!.Trim(), request.PartySize!.Value, request.Email?.Trim(), request.Phone,
            request.Notes?.Trim(), WaiteeStatus.Waiting, request.DueAt(now), now, null, null, null, NewGuestToken(), 0,
            QuotedWaitMinutes: request.QuotedWaitMinutes);
        // No quote given: the estimate at this moment, for the place the store gives the party.
        var perParty = await MinutesPerPartyAsync(waitlist, store, cancellationToken);
        var added = await store.AddWaiteeAsync(waitee, requireOpen: true, position => WaiteeQuote.Default(position, perParty), cancellationToken);
        if (added is null)
            return Problems.Conflict("The waitlist is closed.");
        changes.Publish(waitlist.Id, WaitlistChange.WaiteeKind, added.Id);
        return TypedResults.Created($"/waitlists/{waitlist.Id}/waitees/{added.Id}", WaiteeView.From(added, waitlist, perParty));
    }

    /// <summary>What the guest's link shows (GET /guest/{token} and its stream); null when there is no such place.</summary>
    /// <remarks>A place whose restaurant is gone (its waitlists go with it) is no place either.</remarks>
    public static async Task<GuestView?> GuestViewAsync(
        string guestToken, IWaitlistStore store, IRestaurantStore restaurants, CancellationToken cancellationToken)
    {
        if (await store.FindByGuestTokenAsync(guestToken, cancellationToken) is not { } waitee
            || await store.FindAsync(waitee.WaitlistId, cancellationToken) is not { } waitlist
            || await restaurants.FindAsync(waitlist.RestaurantId, cancellationToken) is not { } restaurant)
            return null;
        return GuestView.From(waitee, waitlist, restaurant.Name, await MinutesPerPartyAsync(waitlist, store, cancellationToken));
    }

    public static async Task<double> MinutesPerPartyAsync(Waitlist waitlist, IWaitlistStore store, CancellationToken cancellationToken) =>
        WaitEstimator.MinutesPerParty(waitlist, await store.RecentWaitsAsync(waitlist.Id, WaitEstimator.Window, cancellationToken));

    /// <summary>256 random bits: the guest's only key to its place in line.</summary>
    private static string NewGuestToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
