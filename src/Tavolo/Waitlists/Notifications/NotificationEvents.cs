using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Waitlists.Notifications;

/// <summary>
/// An SQS batch from the notification queue's event source: each record through the same consumer as the local loop,
/// side by side (up to <c>Tavolo__Notifications__Concurrency</c>), so one slow target does not hold the batch's other
/// guests; the ones that failed (malformed included) come back as partial batch failures, for SQS to redeliver.
/// </summary>
public sealed class SqsBatchEvent(NotificationConsumer consumer, IOptions<NotificationOptions> options) : ILambdaEventHandler
{
    public string Describes => "an SQS batch";

    public bool Handles(JsonObject payload) =>
        payload["Records"] is JsonArray records && records.All(r => (string?)r?["eventSource"] == "aws:sqs");

    public async Task<JsonObject> HandleAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        var records = payload["Records"]!.AsArray().Select(r => r?.AsObject()).ToList();
        var handled = new bool[records.Count];
        await Parallel.ForAsync(0, records.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.Concurrency), CancellationToken = cancellationToken },
            async (i, ct) => handled[i] = await HandleRecordAsync(records[i], ct));
        var failures = new JsonArray();
        for (var i = 0; i < records.Count; i++)
        {
            if (!handled[i] && (string?)records[i]?["messageId"] is { } messageId)
                failures.Add((JsonNode)new JsonObject { ["itemIdentifier"] = messageId });
        }
        return new JsonObject { ["batchItemFailures"] = failures };
    }

    /// <summary>True when the record is done with; a record without a messageId counts as done (nothing to report it by).</summary>
    private async Task<bool> HandleRecordAsync(JsonObject? record, CancellationToken cancellationToken)
    {
        if ((string?)record?["messageId"] is not { } messageId)
            return true; // SQS keeps it until its visibility ends
        var body = (string?)record["body"] ?? "";
        var receiveCount = int.TryParse((string?)record["attributes"]?["ApproximateReceiveCount"], out var count) ? count : 1;
        return NotificationMessage.TryParse(body) is not null
            && await consumer.HandleAsync(new ReceivedMessage(messageId, body, (string?)record["receiptHandle"] ?? "", receiveCount), cancellationToken);
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
