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
