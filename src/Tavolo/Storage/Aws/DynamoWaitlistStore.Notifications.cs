using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tavolo.Platform;
using Tavolo.Waitlists;
using Tavolo.Waitlists.Notifications;
using static Tavolo.Storage.Aws.Dynamo;

namespace Tavolo.Storage.Aws;

/// <summary>
/// The notifications half of the waitlists adapter (one class: notifications hang off waitee items, and a claim
/// changes both). Notifications in the waitlists table (<c>NOTIFICATION#{id}</c>; per waitlist through <c>gsi1</c>; not yet handed
/// to the queue through the sparse <c>gsi2</c> = <c>UNENQUEUED</c>). Claiming a due waitee is a conditional update
/// that removes its due time and counts its queued notifications (<c>queued</c>), which keeps a second "notify" out
/// until they are sent or failed.
/// </summary>
public sealed partial class DynamoWaitlistStore : INotificationStore
{
    public async Task<IReadOnlyList<Notification>> ClaimDueAsync(
        DateTime now, int max, Func<Waitee, Waitlist, IReadOnlyList<(string Channel, string To)>> plan, CancellationToken cancellationToken)
    {
        // First, claims whose producer died before writing their notifications (older than a minute, so not a live pass's).
        var created = new List<Notification>();
        foreach (var stranded in await QueryGsi2Async("CLAIMED", Time(now.AddMinutes(-1)), max, cancellationToken))
            created.AddRange(await FinishClaimAsync(stranded, cancellationToken));

        var lists = new Dictionary<string, Waitlist?>();
        foreach (var item in await QueryGsi2Async("DUE", Time(now) + "#\uffff", max, cancellationToken))
        {
            var waitee = WaitlistItems.FromWaiteeItem(item);
            if (!lists.TryGetValue(waitee.WaitlistId, out var waitlist))
                lists[waitee.WaitlistId] = waitlist = await FindAsync(waitee.WaitlistId, cancellationToken);
            if (waitlist is null)
                continue;
            var channels = plan(waitee, waitlist);
            // The claim: only while still WAITING and due at the same time, so two producers never both win it. It records
            // the planned notifications (ids included) and marks the waitee CLAIMED until they are written, so a producer
            // that dies in between leaves work the next pass finishes, not a waitee that is never told.
            var planned = string.Join('\n', channels.Select(c => $"{Ids.New()}\t{c.Channel}\t{c.To}"));
            var claimed = await SucceedsAsync(() => Client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Name,
                Key = WaitlistItems.WaiteeKey(waitee.Id),
                UpdateExpression = "SET gsi2pk = :claimed, gsi2sk = :claimKey, claimedAt = :now, claimPlan = :plan REMOVE dueAt ADD queued :count",
                ConditionExpression = "#s = :waiting AND dueAt = :dueAt",
                ExpressionAttributeNames = new() { ["#s"] = "status" },
                ExpressionAttributeValues = new()
                {
                    [":waiting"] = S(WaiteeStatus.Waiting), [":dueAt"] = item["dueAt"], [":count"] = N(channels.Count), [":claimed"] = S("CLAIMED"),
                    [":claimKey"] = S(Time(now) + "#" + waitee.Id), [":now"] = T(now), [":plan"] = S(planned.Length == 0 ? "-" : planned),
                },
            }, cancellationToken));
            if (claimed)
                created.AddRange(await FinishClaimAsync((await GetAsync(WaitlistItems.WaiteeKey(waitee.Id), cancellationToken))!, cancellationToken));
        }
        return created;
    }

    /// <summary>Writes a claim's planned notifications (each at most once: the ids were fixed at the claim) and clears the mark.</summary>
    private async Task<List<Notification>> FinishClaimAsync(Dictionary<string, AttributeValue> waiteeItem, CancellationToken cancellationToken)
    {
        var created = new List<Notification>();
        var claimedAt = waiteeItem.Time("claimedAt");
        foreach (var line in waiteeItem.Str("claimPlan").Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l != "-"))
        {
            var parts = line.Split('\t', 3);
            var notification = new Notification(parts[0], waiteeItem.Str("waitlistId"), waiteeItem.Str("id"), parts[1], parts[2], NotificationStatus.Queued,
                0, null, claimedAt, null, null);
            if (await SucceedsAsync(() => Client.PutItemAsync(new PutItemRequest { TableName = Name, Item = WaitlistItems.ToItem(notification), ConditionExpression = "attribute_not_exists(pk)" }, cancellationToken)))
                created.Add(notification);
        }
        await SucceedsAsync(() => Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = WaitlistItems.WaiteeKey(waiteeItem.Str("id")),
            UpdateExpression = "REMOVE gsi2pk, gsi2sk, claimedAt, claimPlan",
            ConditionExpression = "claimedAt = :claimedAt",
            ExpressionAttributeValues = new() { [":claimedAt"] = waiteeItem["claimedAt"] },
        }, cancellationToken));
        return created;
    }

    /// <summary>Items of one sparse gsi2 partition (<c>DUE</c>, <c>CLAIMED</c>, <c>UNENQUEUED</c>) up to a sort key.</summary>
    private Task<List<Dictionary<string, AttributeValue>>> QueryGsi2Async(string partition, string upTo, int max, CancellationToken cancellationToken) =>
        Client.QueryAsync(new QueryRequest
        {
            TableName = Name,
            IndexName = "gsi2",
            KeyConditionExpression = "gsi2pk = :p AND gsi2sk <= :upTo",
            ExpressionAttributeValues = new() { [":p"] = S(partition), [":upTo"] = S(upTo) },
        }, max, cancellationToken);

    // A key's "#id" suffix sorts after the bare time, so "<= before" here is "created before".
    public async Task<IReadOnlyList<Notification>> ListUnenqueuedAsync(DateTime before, int max, CancellationToken cancellationToken) =>
        (await QueryGsi2Async("UNENQUEUED", Time(before), max, cancellationToken)).Select(WaitlistItems.FromNotificationItem).ToList();

    public async Task MarkEnqueuedAsync(string notificationId, DateTime now, CancellationToken cancellationToken) =>
        await UpdateNotificationAsync(notificationId, "SET enqueuedAt = :now REMOVE gsi2pk, gsi2sk", "attribute_not_exists(enqueuedAt)",
            new() { [":now"] = T(now) }, cancellationToken);

    public async Task<Delivery?> FindDeliveryAsync(string notificationId, CancellationToken cancellationToken)
    {
        if (await GetAsync(WaitlistItems.NotificationKey(notificationId), cancellationToken) is not { } item)
            return null;
        var notification = WaitlistItems.FromNotificationItem(item);
        var waitee = await FindWaiteeAsync(notification.WaitlistId, notification.WaiteeId, cancellationToken);
        var waitlist = await FindAsync(notification.WaitlistId, cancellationToken);
        return waitee is null || waitlist is null ? null : new Delivery(notification, waitee, waitlist);
    }

    public async Task<bool> BeginAttemptAsync(string notificationId, DateTime now, DateTime leaseUntil, CancellationToken cancellationToken) =>
        await UpdateNotificationAsync(notificationId, "SET leaseUntil = :lease, attempts = attempts + :one",
            "#s = :queued AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)",
            new() { [":lease"] = T(leaseUntil), [":one"] = N(1), [":now"] = T(now) }, cancellationToken);

    public async Task MarkSentAsync(string notificationId, string waiteeId, DateTime now, CancellationToken cancellationToken)
    {
        if (!await UpdateNotificationAsync(notificationId, "SET #s = :sent, sentAt = :now REMOVE leaseUntil, lastError", "#s = :queued",
                new() { [":sent"] = S(NotificationStatus.Sent), [":now"] = T(now) }, cancellationToken))
            return;
        await OneLessQueuedAsync(waiteeId, cancellationToken);
        // When the condition fails: seated or gone meanwhile: the message still went out.
        await SucceedsAsync(() => Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = WaitlistItems.WaiteeKey(waiteeId),
            UpdateExpression = "SET #s = :notified, notifiedAt = :now REMOVE dueAt, gsi2pk, gsi2sk",
            ConditionExpression = "#s = :waiting",
            ExpressionAttributeNames = new() { ["#s"] = "status" },
            ExpressionAttributeValues = new() { [":notified"] = S(WaiteeStatus.Notified), [":now"] = T(now), [":waiting"] = S(WaiteeStatus.Waiting) },
        }, cancellationToken));
    }

    public async Task MarkFailedAttemptAsync(string notificationId, string error, bool final, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":error"] = S(error) };
        var set = "SET lastError = :error";
        if (final) { set += ", #s = :failed"; values[":failed"] = S(NotificationStatus.Failed); }
        if (await UpdateNotificationAsync(notificationId, set + " REMOVE leaseUntil", "#s = :queued", values, cancellationToken) && final
            && await GetAsync(WaitlistItems.NotificationKey(notificationId), cancellationToken) is { } item)
        {
            await OneLessQueuedAsync(item.Str("waiteeId"), cancellationToken);
        }
    }

    // Explicit: IWaitlistStore.ListAsync has the same parameter types (owner, after, limit).
    async Task<IReadOnlyList<Notification>> INotificationStore.ListAsync(string waitlistId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":list"] = S("NOTIFICATIONS#" + waitlistId) };
        var condition = "gsi1pk = :list";
        if (afterId is not null) { condition += " AND gsi1sk > :after"; values[":after"] = S(afterId); }
        return (await Client.QueryAsync(new QueryRequest { TableName = Name, IndexName = "gsi1", KeyConditionExpression = condition, ExpressionAttributeValues = values }, limit, cancellationToken))
            .Select(WaitlistItems.FromNotificationItem).ToList();
    }

    private async Task OneLessQueuedAsync(string waiteeId, CancellationToken cancellationToken)
    {
        // When the condition fails: the waitee is gone (its waitlist was deleted).
        await SucceedsAsync(() => Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = WaitlistItems.WaiteeKey(waiteeId),
            UpdateExpression = "ADD queued :minusOne",
            ConditionExpression = "attribute_exists(pk) AND queued > :zero",
            ExpressionAttributeValues = new() { [":minusOne"] = N(-1), [":zero"] = N(0) },
        }, cancellationToken));
    }

    /// <summary>A conditional update of one notification (<c>#s</c> = status, <c>:queued</c> provided); false when the condition failed.</summary>
    private async Task<bool> UpdateNotificationAsync(
        string notificationId, string update, string condition, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
    {
        if (condition.Contains(":queued", StringComparison.Ordinal))
            values[":queued"] = S(NotificationStatus.Queued);
        return await SucceedsAsync(() => Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = WaitlistItems.NotificationKey(notificationId),
            UpdateExpression = update,
            ConditionExpression = "attribute_exists(pk) AND " + condition,
            ExpressionAttributeNames = update.Contains("#s", StringComparison.Ordinal) || condition.Contains("#s", StringComparison.Ordinal) ? new() { ["#s"] = "status" } : null,
            ExpressionAttributeValues = values,
        }, cancellationToken));
    }
}
