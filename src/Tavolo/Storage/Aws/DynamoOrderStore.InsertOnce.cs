using Amazon.DynamoDBv2.Model;
using Tavolo.Idempotency;
using Tavolo.Orders;
using static Tavolo.Storage.Aws.Dynamo;

namespace Tavolo.Storage.Aws;

public sealed partial class DynamoOrderStore
{
    /// <summary>
    /// One single-item conditional put: the order carries the fingerprint of the request that placed it, so the order
    /// item alone says whether a retry is the same request. The idempotency record's response is the filter's own
    /// conditional write after this one; a crash between the two leaves the record in flight, and once its lease lapses
    /// the retry meets this order and gets it back (<see cref="OrderPlacement"/>).
    /// </summary>
    public async Task<OrderInsert> InsertOnceAsync(Order order, string requestFingerprint, IdempotentWrite? write, CancellationToken cancellationToken)
    {
        var item = ToItem(order);
        item["requestFingerprint"] = S(requestFingerprint);
        if (await SucceedsAsync(() => dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = Name,
            Item = item,
            ConditionExpression = "attribute_not_exists(orderId)",
        }, cancellationToken)))
        {
            return new OrderInsert(true, order, requestFingerprint);
        }
        var current = await dynamo.GetItemAsync(new GetItemRequest { TableName = Name, Key = new() { ["orderId"] = S(order.OrderId) }, ConsistentRead = true }, cancellationToken);
        return new OrderInsert(false, FromItem(current.Item), current.Item.StrOrNull("requestFingerprint"));
    }
}
