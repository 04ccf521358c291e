namespace Tavolo.Waitlists.Notifications;

/// <summary>
/// The notifications port: claiming due waitees, the outbox, and the delivery bookkeeping. It is the second face of
/// the waitlists storage: each backend's waitlists adapter implements both (a claim changes a waitee and writes its
/// notifications in one unit), and one contract suite (<c>WaitlistStoreContract</c>) checks them together.
/// </summary>
public interface INotificationStore
{
    /// <summary>
    /// Claims up to <paramref name="max"/> WAITING waitees whose due time has passed (a conditional write per
    /// waitee: two producers never claim the same one) and creates their notifications, one per channel that
    /// <paramref name="plan"/> names. Served by an index on due time: the cost follows the number due.
    /// </summary>
    Task<IReadOnlyList<Notification>> ClaimDueAsync(
        DateTime now, int max, Func<Waitee, Waitlist, IReadOnlyList<(string Channel, string To)>> plan, CancellationToken cancellationToken);

    /// <summary>Notifications created but not yet handed to the queue before <paramref name="before"/> (a crash in between).</summary>
    Task<IReadOnlyList<Notification>> ListUnenqueuedAsync(DateTime before, int max, CancellationToken cancellationToken);

    Task MarkEnqueuedAsync(string notificationId, DateTime now, CancellationToken cancellationToken);

    Task<Delivery?> FindDeliveryAsync(string notificationId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the right to send: only a QUEUED notification with no live lease (a conditional write), so two
    /// consumers holding copies of one message never send at once. Counts the attempt.
    /// </summary>
    Task<bool> BeginAttemptAsync(string notificationId, DateTime now, DateTime leaseUntil, CancellationToken cancellationToken);

    /// <summary>Marks it SENT and its waitee NOTIFIED (if still WAITING), in that order.</summary>
    Task MarkSentAsync(string notificationId, string waiteeId, DateTime now, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt and frees the lease; <paramref name="final"/> makes it FAILED.</summary>
    Task MarkFailedAttemptAsync(string notificationId, string error, bool final, CancellationToken cancellationToken);

    Task<IReadOnlyList<Notification>> ListAsync(string waitlistId, string? afterId, int limit, CancellationToken cancellationToken);
}
