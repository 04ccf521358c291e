using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tavolo.Idempotency;
using Tavolo.Platform;
using static Tavolo.Storage.Aws.Dynamo;

namespace Tavolo.Storage.Aws;

/// <summary>
/// Idempotency records keyed by <c>key</c>, with a TTL at their expiry. The claim is one conditional put that also
/// takes over an expired record or a lapsed lease; the answer of a failed claim is the record that stopped it.
/// </summary>
public sealed class DynamoIdempotencyStore(IAmazonDynamoDB dynamo, DynamoTables tables) : IIdempotencyStore
{
    public static DynamoTable Table(string prefix) => new(prefix + "idempotency", "key", null);

    private string Name => tables.Idempotency.Name;

    public Task<IdempotencyRecord?> TryClaimAsync(IdempotencyRecord claim, DateTime now, CancellationToken cancellationToken) =>
        PutClaimAsync(claim, now, "attribute_not_exists(#k) OR expiresAt <= :now OR (attribute_not_exists(responseStatus) AND leaseUntil <= :now)", cancellationToken);

    // A hold is stopped only by a live claim in flight; a finished record (none is written for such keys) is taken over.
    public Task<IdempotencyRecord?> TryHoldAsync(IdempotencyRecord claim, DateTime now, CancellationToken cancellationToken) =>
        PutClaimAsync(claim, now, "attribute_not_exists(#k) OR attribute_exists(responseStatus) OR leaseUntil <= :now OR expiresAt <= :now", cancellationToken);

    private async Task<IdempotencyRecord?> PutClaimAsync(IdempotencyRecord claim, DateTime now, string condition, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = Name,
                Item = new()
                {
                    ["key"] = S(claim.Key), ["fingerprint"] = S(claim.Fingerprint), ["leaseToken"] = S(claim.LeaseToken),
                    ["leaseUntil"] = T(claim.LeaseUntil), ["expiresAt"] = T(claim.ExpiresAt), ["ttl"] = Ttl(claim.ExpiresAt),
                },
                ConditionExpression = condition,
                ExpressionAttributeNames = new() { ["#k"] = "key" },
                ExpressionAttributeValues = new() { [":now"] = T(now) },
            }, cancellationToken);
            return null;
        }
        catch (ConditionalCheckFailedException)
        {
            var current = await dynamo.GetItemAsync(new GetItemRequest { TableName = Name, Key = new() { ["key"] = S(claim.Key) }, ConsistentRead = true }, cancellationToken);
            return current.Item is { Count: > 0 } item ? FromItem(item) : await PutClaimAsync(claim, now, condition, cancellationToken);
        }
    }

    public async Task<bool> CompleteAsync(string key, string leaseToken, StoredResponse response, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":token"] = S(leaseToken), [":status"] = N(response.Status), [":body"] = new() { B = new MemoryStream(response.Body) },
        };
        var set = "SET responseStatus = :status, responseBody = :body";
        if (response.ContentType is { } type) { set += ", responseType = :type"; values[":type"] = S(type); }
        if (response.Location is { } location) { set += ", responseLocation = :location"; values[":location"] = S(location); }
        return await SucceedsAsync(() => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = new() { ["key"] = S(key) },
            UpdateExpression = set,
            ConditionExpression = "leaseToken = :token",
            ExpressionAttributeValues = values,
        }, cancellationToken));
    }

    public async Task ReleaseAsync(string key, string leaseToken, CancellationToken cancellationToken)
    {
        // When the condition fails: someone else holds it now, or it finished: not ours to forget.
        await SucceedsAsync(() => dynamo.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = Name,
            Key = new() { ["key"] = S(key) },
            ConditionExpression = "leaseToken = :token AND attribute_not_exists(responseStatus)",
            ExpressionAttributeValues = new() { [":token"] = S(leaseToken) },
        }, cancellationToken));
    }

    public void Stored(IdempotencyRecord claim)
    {
        // Nothing held in memory: the claim is the table's item, and its response was written with the effect.
    }

    private static IdempotencyRecord FromItem(Dictionary<string, AttributeValue> i) => new(
        i.Str("key"), i.Str("fingerprint"), i.Str("leaseToken"), i.Time("leaseUntil"), i.Time("expiresAt"),
        i.NumberOrNull("responseStatus") is { } status
            ? new StoredResponse(status, i.StrOrNull("responseType"), i.StrOrNull("responseLocation"), i["responseBody"].B.ToArray())
            : null);
}
