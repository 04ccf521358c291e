namespace Tavolo.Waitlists.Notifications;

public static class NotificationStatus
{
    public const string Queued = "QUEUED";
    public const string Sent = "SENT";
    public const string Failed = "FAILED";
}

public static class Channels
{
    public const string Email = "email";
    public const string Webhook = "webhook";

    /// <summary>No channel configured: the notification record itself is the message (staff read it, or a later integration).</summary>
    public const string Outbox = "outbox";
}

/// <summary>One "your table is ready" message through one channel. It is also the outbox row the queue message points at.</summary>
public sealed record Notification(
    string Id, string WaitlistId, string WaiteeId, string Channel, string To, string Status, int Attempts, string? LastError,
    DateTime CreatedAt, DateTime? SentAt, DateTime? EnqueuedAt);

/// <summary>Everything a consumer needs to deliver one notification.</summary>
public sealed record Delivery(Notification Notification, Waitee Waitee, Waitlist Waitlist);

/// <summary>The notifications port: claiming due waitees, the outbox, and the delivery bookkeeping.</summary>
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
