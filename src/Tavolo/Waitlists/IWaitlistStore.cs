namespace Tavolo.Waitlists;

/// <summary>
/// The waitlists port. Who may read or change a waitlist is decided by <c>RestaurantAccess</c> from the waitlist's
/// <c>RestaurantId</c>; the store only keeps them.
/// </summary>
public interface IWaitlistStore
{
    Task CreateAsync(Waitlist waitlist, CancellationToken cancellationToken);

    Task<Waitlist?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Waitlists by id after <paramref name="afterId"/>: of the given restaurants, or (null) of every restaurant.</summary>
    Task<IReadOnlyList<Waitlist>> ListAsync(IReadOnlyCollection<string>? restaurantIds, string? afterId, int limit, CancellationToken cancellationToken);

    Task<bool> UpdateAsync(Waitlist waitlist, CancellationToken cancellationToken);

    /// <summary>Deletes the waitlist with its waitees and their notifications.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>WAITING + NOTIFIED parties per waitlist, for a whole page of waitlists in one call (absent: none).</summary>
    Task<IReadOnlyDictionary<string, int>> CountActiveAsync(IReadOnlyCollection<string> waitlistIds, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a waitee at the end of the line, recording its position at join and its quote: its own, or (when it has
    /// none) <paramref name="defaultQuote"/> of that position. Null when the waitlist is gone or closed.
    /// </summary>
    Task<Waitee?> AddWaiteeAsync(Waitee waitee, bool requireOpen, Func<int, int> defaultQuote, CancellationToken cancellationToken);

    Task<Waitee?> FindWaiteeAsync(string waitlistId, string waiteeId, CancellationToken cancellationToken);

    Task<Waitee?> FindByGuestTokenAsync(string guestToken, CancellationToken cancellationToken);

    /// <summary>Waitees in queue order (join time, then id) after the given one; optionally of one status.</summary>
    Task<IReadOnlyList<Waitee>> ListWaiteesAsync(
        string waitlistId, string? status, (DateTime JoinedAt, string Id)? after, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces the editable details (quote included) of an active waitee; false when it has ended or is gone.</summary>
    Task<bool> UpdateWaiteeAsync(Waitee waitee, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a waitee to <paramref name="to"/> only if its status is one of <paramref name="from"/> (a conditional
    /// write: of two racing transitions one wins). Returns the updated waitee, or null when the condition failed. A
    /// move that ends the wait (<see cref="WaiteeStatus.Ends"/>) sets <c>endedAt</c> and keeps what
    /// <see cref="RestoreAsync"/> needs: the status it had and its due time.
    /// </summary>
    Task<Waitee?> TransitionAsync(string waiteeId, string[] from, string to, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Undo: puts a SEATED, REMOVED or NO_SHOW waitee that ended at or after <paramref name="endedSince"/> back in
    /// line with the status it had (WAITING or NOTIFIED) and, if WAITING, its due time; clears <c>seatedAt</c> and
    /// <c>endedAt</c>, and a seat leaves the wait history. Its place follows from <c>joinedAt</c>. A conditional write:
    /// of a racing restore and seat (or two restores) one wins. Null when the condition failed.
    /// </summary>
    Task<Waitee?> RestoreAsync(string waiteeId, DateTime endedSince, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a WAITING waitee due now (staff pressed notify); false when it is not WAITING, or is already due, or a
    /// notification to it is still QUEUED (so a double press does not tell the guest twice).
    /// </summary>
    Task<bool> MakeDueAsync(string waiteeId, DateTime now, CancellationToken cancellationToken);

    /// <summary>The most recent finished waits of a waitlist, newest first.</summary>
    Task<IReadOnlyList<WaitSample>> RecentWaitsAsync(string waitlistId, int count, CancellationToken cancellationToken);
}
