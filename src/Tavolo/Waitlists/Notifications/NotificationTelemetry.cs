using System.Diagnostics;
using Tavolo.Platform;

namespace Tavolo.Waitlists.Notifications;

/// <summary>
/// The notification pipeline as one trace: the producer's span (a tick, or the notify request) sends each message
/// with its W3C <c>traceparent</c> inside (<see cref="NotificationMessage.TraceParent"/>, so it crosses the SQLite queue
/// and SQS alike), the consumer's span continues that trace, and the channel's span (email, webhook, outbox) sits under
/// it — with the HTTP or SMTP call under that. Metrics: <see cref="Telemetry.Notifications"/>, <see cref="Telemetry.QueueAge"/>.
/// </summary>
public static class NotificationTelemetry
{
    /// <summary>The producer's pass (a timer tick has no span of its own to sit under).</summary>
    public static Activity? StartProduce() => Telemetry.Source.StartActivity("notifications produce", ActivityKind.Internal);

    /// <summary>One message sent to the queue; its id is the parent the consumer continues.</summary>
    public static Activity? StartSend(string notificationId)
    {
        var activity = Telemetry.Source.StartActivity("notifications send", ActivityKind.Producer);
        activity?.SetTag("messaging.operation.type", "send");
        activity?.SetTag("tavolo.notification.id", notificationId);
        return activity;
    }

    /// <summary>The consumer's handling of one message, continuing the trace the message carries.</summary>
    public static Activity? StartProcess(NotificationMessage message)
    {
        if (!Telemetry.Source.HasListeners())
            return null;
        if (message.SentAt is { } sentAt)
            Telemetry.QueueAge.Record(Math.Max(0, (DateTime.UtcNow - sentAt).TotalSeconds));
        var links = Activity.Current is { } current ? new[] { new ActivityLink(current.Context) } : null; // Lambda: the SQS batch's request
        var activity = ActivityContext.TryParse(message.TraceParent, null, out var parent)
            ? Telemetry.Source.StartActivity("notifications process", ActivityKind.Consumer, parent, links: links)
            : Telemetry.Source.StartActivity("notifications process", ActivityKind.Consumer);
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("tavolo.notification.id", message.NotificationId);
        return activity;
    }

    /// <summary>The channel's delivery.</summary>
    public static Activity? StartChannel(string channel)
    {
        var activity = Telemetry.Source.StartActivity("notification " + channel, ActivityKind.Client);
        activity?.SetTag("tavolo.notification.channel", channel);
        return activity;
    }

    public static void Count(string channel, string outcome) =>
        Telemetry.Notifications.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));
}
