using System.Text.Json.Nodes;
using Tavolo.Platform;

namespace Tavolo.Waitlists.Notifications;

/// <summary>
/// An SQS batch from the notification queue's event source: each record through the same consumer as the local loop;
/// the ones that failed (malformed included) come back as partial batch failures, for SQS to redeliver.
/// </summary>
public sealed class SqsBatchEvent(NotificationConsumer consumer) : ILambdaEventHandler
{
    public string Describes => "an SQS batch";

    public bool Handles(JsonObject payload) =>
        payload["Records"] is JsonArray records && records.All(r => (string?)r?["eventSource"] == "aws:sqs");

    public async Task<JsonObject> HandleAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        var failures = new JsonArray();
        foreach (var record in payload["Records"]!.AsArray())
        {
            var messageId = (string?)record?["messageId"];
            if (messageId is null)
                continue; // nothing to report it by; SQS keeps it until its visibility ends
            var body = (string?)record!["body"] ?? "";
            var receiveCount = int.TryParse((string?)record["attributes"]?["ApproximateReceiveCount"], out var count) ? count : 1;
            var handled = NotificationMessage.TryParse(body) is not null
                && await consumer.HandleAsync(new ReceivedMessage(messageId, body, (string?)record["receiptHandle"] ?? "", receiveCount), cancellationToken);
            if (!handled)
                failures.Add((JsonNode)new JsonObject { ["itemIdentifier"] = messageId });
        }
        return new JsonObject { ["batchItemFailures"] = failures };
    }
}

/// <summary>The EventBridge schedule: one producer pass, answering how many notifications it queued.</summary>
public sealed class ScheduledProducerEvent(NotificationProducer producer) : ILambdaEventHandler
{
    public string Describes => "an EventBridge scheduled event";

    public bool Handles(JsonObject payload) =>
        (string?)payload["source"] == "aws.events" && (string?)payload["detail-type"] == "Scheduled Event";

    public async Task<JsonObject> HandleAsync(JsonObject payload, CancellationToken cancellationToken) =>
        new() { ["queued"] = await producer.RunOnceAsync(cancellationToken) };
}
