using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tavolo.Waitlists;
using static Tavolo.Storage.Aws.Dynamo;
using static Tavolo.Storage.Aws.WaitlistItems;

namespace Tavolo.Storage.Aws;

/// <summary>
/// The waitlists adapter on DynamoDB; its notifications half is <c>DynamoWaitlistStore.Notifications.cs</c>.
/// Waitlists, waitees and seat history in the waitlists table (keys and indexes: docs/dynamodb.md). Waitees are keyed
/// by id; their line order is GSI <c>gsi1</c> (<c>LINE#{waitlist}</c>, join time + id), their due time the sparse
/// GSI <c>gsi2</c> (<c>DUE</c>), their guest token GSI <c>gsi3</c>. Positions are counted from the line when read.
/// </summary>
public sealed partial class DynamoWaitlistStore(IAmazonDynamoDB dynamo, DynamoTables tables) : IWaitlistStore
{
    private static readonly string[] Active = WaiteeStatus.Active;

    private string Name => tables.Waitlists.Name;

    private IAmazonDynamoDB Client => dynamo;

    public async Task CreateAsync(Waitlist waitlist, CancellationToken cancellationToken) =>
        await dynamo.PutItemAsync(new PutItemRequest { TableName = Name, Item = ToItem(waitlist), ConditionExpression = "attribute_not_exists(pk)" }, cancellationToken);

    public async Task<Waitlist?> FindAsync(string id, CancellationToken cancellationToken) =>
        await GetAsync(WaitlistKey(id), cancellationToken) is { } item ? FromWaitlistItem(item) : null;

    /// <summary>One Query per restaurant (a person works at a few), merged by id; every waitlist: one Query of gsi2.</summary>
    public async Task<IReadOnlyList<Waitlist>> ListAsync(
        IReadOnlyCollection<string>? restaurantIds, string? afterId, int limit, CancellationToken cancellationToken)
    {
        var partitions = restaurantIds is null ? [("gsi2", "WAITLISTS")] : restaurantIds.Select(r => ("gsi1", "OWNER#" + r)).ToList();
        var found = new List<Waitlist>();
        foreach (var (index, partition) in partitions)
        {
            var values = new Dictionary<string, AttributeValue> { [":p"] = S(partition) };
            var condition = $"{index}pk = :p";
            if (afterId is not null) { condition += $" AND {index}sk > :after"; values[":after"] = S(afterId); }
            var items = await dynamo.QueryAsync(new QueryRequest { TableName = Name, IndexName = index, KeyConditionExpression = condition, ExpressionAttributeValues = values }, limit, cancellationToken);
            found.AddRange(items.Select(FromWaitlistItem));
        }
        return found.OrderBy(w => w.Id, StringComparer.Ordinal).Take(limit).ToList();
    }

    public async Task<bool> UpdateAsync(Waitlist waitlist, CancellationToken cancellationToken)
    {
        return await SucceedsAsync(() => dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = Name,
            Item = ToItem(waitlist),
            ConditionExpression = "ownerId = :owner",
            ExpressionAttributeValues = new() { [":owner"] = S(waitlist.RestaurantId) },
        }, cancellationToken));
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is null)
            return false;
        await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Name, Key = WaitlistKey(id) }, cancellationToken);
        // Then what hung off it: its waitees, their notifications, its seat history.
        var children = new List<Dictionary<string, AttributeValue>>();
        children.AddRange(await QueryAllAsync("gsi1", "LINE#" + id, cancellationToken));
        children.AddRange(await QueryAllAsync("gsi1", "NOTIFICATIONS#" + id, cancellationToken));
        children.AddRange(await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :seat)",
            ExpressionAttributeValues = new() { [":pk"] = S("WAITLIST#" + id), [":seat"] = S("SEAT#") },
        }, int.MaxValue, cancellationToken));
        foreach (var child in children)
            await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Name, Key = new() { ["pk"] = child["pk"], ["sk"] = child["sk"] } }, cancellationToken);
        return true;
    }

    public async Task<IReadOnlyDictionary<string, int>> CountActiveAsync(IReadOnlyCollection<string> waitlistIds, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>();
        foreach (var id in waitlistIds)
        {
            var count = await CountActiveAsync(id, null, cancellationToken);
            if (count > 0) counts[id] = count;
        }
        return counts;
    }

    public async Task<Waitee?> AddWaiteeAsync(Waitee waitee, bool requireOpen, Func<int, int> defaultQuote, CancellationToken cancellationToken)
    {
        if (await GetAsync(WaitlistKey(waitee.WaitlistId), cancellationToken) is not { } list || (requireOpen && list["isOpen"].BOOL != true))
            return null;
        var position = await CountActiveAsync(waitee.WaitlistId, null, cancellationToken) + 1;
        var added = waitee with { PositionAtJoin = position, QuotedWaitMinutes = waitee.QuotedWaitMinutes ?? defaultQuote(position) };
        var item = ToItem(added);
        SetDue(item, added.Id, added.NotifyAt);
        await dynamo.PutItemAsync(new PutItemRequest { TableName = Name, Item = item, ConditionExpression = "attribute_not_exists(pk)" }, cancellationToken);
        return added with { Position = added.PositionAtJoin };
    }

    public async Task<Waitee?> FindWaiteeAsync(string waitlistId, string waiteeId, CancellationToken cancellationToken) =>
        await GetAsync(WaiteeKey(waiteeId), cancellationToken) is { } item && item.Str("waitlistId") == waitlistId
            ? await WithPositionAsync(FromWaiteeItem(item), cancellationToken)
            : null;

    public async Task<Waitee?> FindByGuestTokenAsync(string guestToken, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            IndexName = "gsi3",
            KeyConditionExpression = "gsi3pk = :token",
            ExpressionAttributeValues = new() { [":token"] = S("GUEST#" + guestToken) },
        }, 1, cancellationToken);
        return items.Count == 0 ? null : await WithPositionAsync(FromWaiteeItem(items[0]), cancellationToken);
    }

    public async Task<IReadOnlyList<Waitee>> ListWaiteesAsync(
        string waitlistId, string? status, (DateTime JoinedAt, string Id)? after, int limit, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":line"] = S("LINE#" + waitlistId) };
        var condition = "gsi1pk = :line";
        if (after is var (joined, id)) { condition += " AND gsi1sk > :after"; values[":after"] = S(LineKey(joined, id)); }
        if (status is not null) values[":status"] = S(status);
        var items = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            IndexName = "gsi1",
            KeyConditionExpression = condition,
            FilterExpression = status is null ? null : "#s = :status",
            ExpressionAttributeNames = status is null ? null : new() { ["#s"] = "status" },
            ExpressionAttributeValues = values,
        }, limit, cancellationToken);
        var waitees = new List<Waitee>();
        foreach (var item in items)
            waitees.Add(await WithPositionAsync(FromWaiteeItem(item), cancellationToken));
        return waitees;
    }

    public async Task<bool> UpdateWaiteeAsync(Waitee waitee, CancellationToken cancellationToken)
    {
        if (await GetAsync(WaiteeKey(waitee.Id), cancellationToken) is not { } current || current.Str("waitlistId") != waitee.WaitlistId)
            return false;
        var currentStatus = current.Str("status");
        if (!Active.Contains(currentStatus))
            return false; // ended: nothing to change
        var stored = FromWaiteeItem(current);
        var item = ToItem(stored with
        {
            Name = waitee.Name,
            PartySize = waitee.PartySize,
            Email = waitee.Email,
            Phone = waitee.Phone,
            Notes = waitee.Notes,
            NotifyAt = waitee.NotifyAt,
            QuotedWaitMinutes = waitee.QuotedWaitMinutes ?? stored.QuotedWaitMinutes,
        });
        foreach (var kept in NotificationState.Concat(RestoreState))
        {
            if (current.TryGetValue(kept, out var value)) item[kept] = value;
        }
        // A changed notifyAt re-arms the producer while the waitee is WAITING; an unchanged one leaves a claim alone.
        if (currentStatus == WaiteeStatus.Waiting && current.TimeOrNull("notifyAt") != waitee.NotifyAt)
        {
            item.Remove("dueAt"); item.Remove("gsi2pk"); item.Remove("gsi2sk");
            SetDue(item, waitee.Id, waitee.NotifyAt);
        }
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = Name,
                Item = item,
                ConditionExpression = "#s = :status",
                ExpressionAttributeNames = new() { ["#s"] = "status" },
                ExpressionAttributeValues = new() { [":status"] = S(currentStatus) },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task<Waitee?> TransitionAsync(string waiteeId, string[] from, string to, DateTime now, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":to"] = S(to), [":now"] = T(now) };
        var set = new List<string> { "#s = :to" };
        if (to == WaiteeStatus.Notified) set.Add("notifiedAt = :now");
        if (to == WaiteeStatus.Seated) set.Add("seatedAt = :now");
        if (WaiteeStatus.Ends(to))
        {
            // What a restore needs; operands read the item as it was before this update.
            set.AddRange(["endedAt = :now", "endedFrom = #s", "endedDueAt = if_not_exists(dueAt, :noDue)"]);
            values[":noDue"] = S("");
        }
        for (var i = 0; i < from.Length; i++) values[":from" + i] = S(from[i]);
        Dictionary<string, AttributeValue> updated;
        try
        {
            updated = (await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Name,
                Key = WaiteeKey(waiteeId),
                UpdateExpression = "SET " + string.Join(", ", set) + " REMOVE dueAt, gsi2pk, gsi2sk",
                ConditionExpression = $"#s IN ({string.Join(", ", from.Select((_, i) => ":from" + i))})",
                ExpressionAttributeNames = new() { ["#s"] = "status" },
                ExpressionAttributeValues = values,
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken)).Attributes;
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
        var waitee = FromWaiteeItem(updated);
        if (to == WaiteeStatus.Seated)
        {
            // The seat history the wait estimate learns from: one small item per seated party, newest read first.
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = Name,
                Item = new()
                {
                    ["pk"] = S("WAITLIST#" + waitee.WaitlistId), ["sk"] = S("SEAT#" + Time(now) + "#" + waitee.Id),
                    ["minutes"] = new() { N = (now - waitee.JoinedAt).TotalMinutes.ToString("R", System.Globalization.CultureInfo.InvariantCulture) },
                    ["positionAtJoin"] = N(waitee.PositionAtJoin),
                },
            }, cancellationToken);
        }
        return await WithPositionAsync(waitee, cancellationToken);
    }

    public async Task<Waitee?> RestoreAsync(string waiteeId, DateTime endedSince, CancellationToken cancellationToken)
    {
        if (await GetAsync(WaiteeKey(waiteeId), cancellationToken) is not { } current)
            return null;
        var status = current.Str("status");
        if (!WaiteeStatus.Restorable.Contains(status) || current.TimeOrNull("endedAt") is not { } endedAt || endedAt < endedSince)
            return null;
        var stored = FromWaiteeItem(current);
        var back = current.StrOrNull("endedFrom") ?? (stored.NotifiedAt is null ? WaiteeStatus.Waiting : WaiteeStatus.Notified);
        var due = back == WaiteeStatus.Waiting && current.StrOrNull("endedDueAt") is { Length: > 0 } dueText ? ParseTime(dueText) : (DateTime?)null;
        var values = new Dictionary<string, AttributeValue> { [":back"] = S(back), [":status"] = S(status), [":endedAt"] = current["endedAt"] };
        var set = "SET #s = :back";
        if (due is { } d)
        {
            set += ", dueAt = :due, gsi2pk = :duePartition, gsi2sk = :dueKey";
            values[":due"] = T(d);
            values[":duePartition"] = S("DUE");
            values[":dueKey"] = S(Time(d) + "#" + waiteeId);
        }
        Dictionary<string, AttributeValue> updated;
        try
        {
            // Conditional on the very end being undone: of two racing restores, or a restore and a seat, one wins.
            updated = (await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Name,
                Key = WaiteeKey(waiteeId),
                UpdateExpression = set + " REMOVE seatedAt, endedAt, endedFrom, endedDueAt",
                ConditionExpression = "#s = :status AND endedAt = :endedAt",
                ExpressionAttributeNames = new() { ["#s"] = "status" },
                ExpressionAttributeValues = values,
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken)).Attributes;
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
        if (status == WaiteeStatus.Seated && stored.SeatedAt is { } seatedAt)
        {
            // The undone seat leaves the wait history the estimate learns from.
            await dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = Name,
                Key = new() { ["pk"] = S("WAITLIST#" + stored.WaitlistId), ["sk"] = S("SEAT#" + Time(seatedAt) + "#" + waiteeId) },
            }, cancellationToken);
        }
        return await WithPositionAsync(FromWaiteeItem(updated), cancellationToken);
    }

    public async Task<bool> MakeDueAsync(string waiteeId, DateTime now, CancellationToken cancellationToken)
    {
        return await SucceedsAsync(() => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = WaiteeKey(waiteeId),
            UpdateExpression = "SET dueAt = :now, gsi2pk = :due, gsi2sk = :dueKey",
            ConditionExpression = "#s = :waiting AND attribute_not_exists(dueAt) AND (attribute_not_exists(queued) OR queued = :zero)",
            ExpressionAttributeNames = new() { ["#s"] = "status" },
            ExpressionAttributeValues = new()
            {
                [":now"] = T(now), [":due"] = S("DUE"), [":dueKey"] = S(Time(now) + "#" + waiteeId), [":waiting"] = S(WaiteeStatus.Waiting), [":zero"] = N(0),
            },
        }, cancellationToken));
    }

    public async Task<IReadOnlyList<WaitSample>> RecentWaitsAsync(string waitlistId, int count, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :seat)",
            ExpressionAttributeValues = new() { [":pk"] = S("WAITLIST#" + waitlistId), [":seat"] = S("SEAT#") },
            ScanIndexForward = false,
        }, count, cancellationToken);
        return items.Select(i => new WaitSample(double.Parse(i["minutes"].N, System.Globalization.CultureInfo.InvariantCulture), i.Number("positionAtJoin"))).ToList();
    }

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Name, Key = key, ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    /// <summary>WAITING + NOTIFIED waitees of a line, up to and including <paramref name="upTo"/> when given.</summary>
    private async Task<int> CountActiveAsync(string waitlistId, string? upTo, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":line"] = S("LINE#" + waitlistId), [":waiting"] = S(WaiteeStatus.Waiting), [":notified"] = S(WaiteeStatus.Notified) };
        var condition = "gsi1pk = :line";
        if (upTo is not null) { condition += " AND gsi1sk <= :upTo"; values[":upTo"] = S(upTo); }
        var request = new QueryRequest
        {
            TableName = Name,
            IndexName = "gsi1",
            KeyConditionExpression = condition,
            FilterExpression = "#s IN (:waiting, :notified)",
            ExpressionAttributeNames = new() { ["#s"] = "status" },
            ExpressionAttributeValues = values,
            Select = Select.COUNT,
        };
        var count = 0;
        do
        {
            var response = await dynamo.QueryAsync(request, cancellationToken);
            count += response.Count ?? 0;
            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);
        return count;
    }

    private async Task<Waitee> WithPositionAsync(Waitee waitee, CancellationToken cancellationToken) =>
        waitee with
        {
            Position = Active.Contains(waitee.Status) ? await CountActiveAsync(waitee.WaitlistId, LineKey(waitee.JoinedAt, waitee.Id), cancellationToken) : null,
        };

    private async Task<List<Dictionary<string, AttributeValue>>> QueryAllAsync(string index, string partition, CancellationToken cancellationToken) =>
        await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            IndexName = index,
            KeyConditionExpression = $"{index}pk = :p",
            ExpressionAttributeValues = new() { [":p"] = S(partition) },
        }, int.MaxValue, cancellationToken);
}
