using System.Collections.Concurrent;
using Tavolo.Restaurants;

namespace Tavolo.Waitlists;

/// <summary>
/// One read of a waitlist's line shared by every guest stream of that waitlist: when a change moves a thousand
/// guests, the store is read once (the waitlist, its active parties, the recent waits), not a thousand times. A read
/// belongs to a version of the change feed, so a stream woken by change N never gets a read from before it.
/// </summary>
public sealed class GuestLines(IWaitlistStore store, IRestaurantStore restaurants, WaitlistChanges changes)
{
    /// <summary>Parties per status one shared read holds; a guest beyond it is read on its own.</summary>
    private const int Limit = 5_000;

    private sealed record Line(Waitlist Waitlist, string RestaurantName, double MinutesPerParty, Dictionary<string, Waitee> ByToken);

    private readonly ConcurrentDictionary<string, (long Version, Lazy<Task<Line?>> Read)> _lines = new(StringComparer.Ordinal);

    /// <summary>The guest's view as of the waitlist's current version; null when the place (or the waitlist) is gone.</summary>
    public async Task<GuestView?> ViewAsync(string waitlistId, string guestToken, CancellationToken cancellationToken)
    {
        var version = changes.Version(waitlistId);
        var entry = _lines.AddOrUpdate(waitlistId,
            _ => (version, NewRead(waitlistId)),
            (_, current) => current.Version >= version ? current : (version, NewRead(waitlistId)));
        var line = await entry.Read.Value.WaitAsync(cancellationToken);
        if (line?.ByToken.GetValueOrDefault(guestToken) is not { } waitee)
            return await Waitees.GuestViewAsync(guestToken, store, restaurants, cancellationToken); // ended, or beyond the shared read
        return GuestView.From(waitee, line.Waitlist, line.RestaurantName, line.MinutesPerParty);
    }

    /// <summary>Forgets a waitlist nobody follows any more.</summary>
    public void Release(string waitlistId)
    {
        if (!changes.IsFollowed(waitlistId) && _lines.TryGetValue(waitlistId, out var entry))
            _lines.TryRemove(new KeyValuePair<string, (long, Lazy<Task<Line?>>)>(waitlistId, entry));
    }

    // Not tied to one stream's token: the read serves every stream of the waitlist.
    private Lazy<Task<Line?>> NewRead(string waitlistId) => new(() => ReadAsync(waitlistId));

    private async Task<Line?> ReadAsync(string waitlistId)
    {
        if (await store.FindAsync(waitlistId, CancellationToken.None) is not { } waitlist
            || await restaurants.FindAsync(waitlist.RestaurantId, CancellationToken.None) is not { } restaurant)
            return null;
        var byToken = new Dictionary<string, Waitee>(StringComparer.Ordinal);
        foreach (var status in WaiteeStatus.Active)
        {
            foreach (var waitee in await store.ListWaiteesAsync(waitlistId, status, null, Limit, CancellationToken.None))
                byToken[waitee.GuestToken] = waitee;
        }
        return new Line(waitlist, restaurant.Name, await Waitees.MinutesPerPartyAsync(waitlist, store, CancellationToken.None), byToken);
    }
}
