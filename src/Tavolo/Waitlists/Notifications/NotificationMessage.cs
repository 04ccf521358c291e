using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tavolo.Waitlists.Notifications;

/// <summary>
/// The queue message: versioned, and only a pointer to the outbox row (the row holds the details, so a message
/// never carries contact data and a changed address is picked up at send time). <see cref="TraceParent"/> and
/// <see cref="SentAt"/> are optional (a message without them is still version 1): the sender's W3C trace context, so
/// that the consumer continues its trace, and the send time, for the queue-age metric (NotificationTelemetry).
/// </summary>
public sealed record NotificationMessage(int V, string Type, string NotificationId, string? TraceParent = null, DateTime? SentAt = null)
{
    public const int Version = 1;
    public const string TableReady = "table-ready";

    public static string Serialize(string notificationId) =>
        JsonSerializer.Serialize(Traced(new NotificationMessage(Version, TableReady, notificationId)),
            NotificationsJson.Default.NotificationMessage);

    /// <summary>With the current trace context and the send time, when OpenTelemetry listens.</summary>
    private static NotificationMessage Traced(NotificationMessage message) =>
        Tavolo.Platform.Telemetry.Source.HasListeners() ? message with { TraceParent = System.Diagnostics.Activity.Current?.Id, SentAt = DateTime.UtcNow } : message;

    /// <summary>The message, or null when the body is not a version this code understands.</summary>
    public static NotificationMessage? TryParse(string body)
    {
        try
        {
            var message = JsonSerializer.Deserialize(body, NotificationsJson.Default.NotificationMessage);
            return message is { V: Version, Type: TableReady, NotificationId.Length: > 0 and <= 64 } ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NotificationMessage))]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class NotificationsJson : JsonSerializerContext;
