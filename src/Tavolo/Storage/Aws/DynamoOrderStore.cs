using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tavolo.Orders;
using static Tavolo.Storage.Aws.Dynamo;

namespace Tavolo.Storage.Aws;

/// <summary>
/// Orders in one table keyed by <c>orderId</c>. Three GSIs on <c>createdKey</c> (creation time + id, newest first
/// when read backwards): <c>byUser</c>, <c>byRestaurant</c>, and <c>byAll</c> (a constant partition, for the admin's
/// unfiltered list). Status filters are filter expressions. Every change is a single-item conditional write.
/// </summary>
public sealed partial class DynamoOrderStore(IAmazonDynamoDB dynamo, DynamoTables tables) : IOrderStore
{
    public static DynamoTable Table(string prefix) => new(prefix + "orders", "orderId", null,
        ("byUser", "userId", "createdKey"), ("byRestaurant", "restaurantId", "createdKey"), ("byAll", "all", "createdKey"));

    /// <summary>
    /// Shape of the item (<c>v</c>): 2 = lines carry menuItemId, lineTotal and note. Items without <c>v</c> are version 1
    /// (lines of name, quantity, unitPrice) and read through <see cref="OrderPricing.FromStorage"/>.
    /// </summary>
    private const int SchemaVersion = 2;

    private string Name => tables.Orders.Name;

    public async Task<bool> CreateAsync(Order order, CancellationToken cancellationToken)
    {
        return await SucceedsAsync(() => dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = Name,
            Item = ToItem(order),
            ConditionExpression = "attribute_not_exists(orderId)",
        }, cancellationToken));
    }

    public async Task<Order?> FindAsync(string orderId, string? visibleTo, CancellationToken cancellationToken)
    {
        // GetItem takes no filter: the visibility rule is applied here, inside the adapter, before anything leaves it.
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Name, Key = new() { ["orderId"] = S(orderId) }, ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item && (visibleTo is null || item.Str("userId") == visibleTo || item.Str("restaurantId") == visibleTo)
            ? FromItem(item) : null;
    }

    public async Task<IReadOnlyList<Order>> ListAsync(OrderFilter filter, (DateTime CreatedAt, string OrderId)? before, int limit, CancellationToken cancellationToken)
    {
        var (index, key, value) = filter switch
        {
            { UserId: { } user } => ("byUser", "userId", user),
            { RestaurantId: { } restaurant } => ("byRestaurant", "restaurantId", restaurant),
            _ => ("byAll", "all", "ORDER"),
        };
        var values = new Dictionary<string, AttributeValue> { [":p"] = S(value) };
        var condition = "#p = :p";
        if (before is var (at, id))
        {
            condition += " AND createdKey < :before";
            values[":before"] = S(CreatedKey(at, id));
        }
        var filters = new List<string>();
        if (filter.RestaurantId is { } r && index != "byRestaurant") { filters.Add("restaurantId = :restaurant"); values[":restaurant"] = S(r); }
        if (filter.Status is { } status) { filters.Add("#s = :status"); values[":status"] = S(status); }
        var names = new Dictionary<string, string> { ["#p"] = key };
        if (filter.Status is not null) names["#s"] = "status";
        var items = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            IndexName = index,
            KeyConditionExpression = condition,
            FilterExpression = filters.Count == 0 ? null : string.Join(" AND ", filters),
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
            ScanIndexForward = false,
        }, limit, cancellationToken);
        return items.Select(FromItem).ToList();
    }

    public async Task<bool> UpdateAsync(Order order, int expectedVersion, CancellationToken cancellationToken)
    {
        return await SucceedsAsync(() => dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = Name,
            Item = ToItem(order),
            ConditionExpression = "#s = :placed AND version = :expected",
            ExpressionAttributeNames = new() { ["#s"] = "status" },
            ExpressionAttributeValues = new() { [":placed"] = S(OrderStatus.Placed), [":expected"] = N(expectedVersion) },
        }, cancellationToken));
    }

    public async Task<Order?> TransitionAsync(string orderId, string to, DateTime now, DateTime? createdNotBefore, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":to"] = S(to), [":now"] = T(now), [":placed"] = S(OrderStatus.Placed), [":one"] = N(1) };
        var condition = "#s = :placed";
        if (createdNotBefore is { } notBefore)
        {
            condition += " AND createdAt >= :notBefore";
            values[":notBefore"] = T(notBefore);
        }
        try
        {
            var response = await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Name,
                Key = new() { ["orderId"] = S(orderId) },
                UpdateExpression = "SET #s = :to, updatedAt = :now, version = version + :one",
                ConditionExpression = condition,
                ExpressionAttributeNames = new() { ["#s"] = "status" },
                ExpressionAttributeValues = values,
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken);
            return FromItem(response.Attributes);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    private static string CreatedKey(DateTime createdAt, string orderId) => Time(createdAt) + "#" + orderId;

    private static Dictionary<string, AttributeValue> ToItem(Order o)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["orderId"] = S(o.OrderId), ["userId"] = S(o.UserId), ["restaurantId"] = S(o.RestaurantId), ["all"] = S("ORDER"),
            ["createdKey"] = S(CreatedKey(o.CreatedAt, o.OrderId)), ["status"] = S(o.Status),
            ["items"] = S(StoredOrderLines.Write(o.Items)),
            ["subtotal"] = S(Decimal(o.Subtotal)), ["discount"] = S(Decimal(o.Discount)), ["total"] = S(Decimal(o.Total)),
            ["createdAt"] = T(o.CreatedAt), ["updatedAt"] = T(o.UpdatedAt), ["version"] = N(o.Version), ["v"] = N(SchemaVersion),
            ["currency"] = S(o.Currency),
        };
        item.Set("promoCode", o.PromoCode);
        item.Set("discountPercentage", o.DiscountPercentage);
        return item;
    }

    private static Order FromItem(Dictionary<string, AttributeValue> i) => new(
        i.Str("orderId"), i.Str("userId"), i.Str("restaurantId"), i.Str("status"),
        StoredOrderLines.Read(i.Str("items")),
        ParseDecimal(i.Str("subtotal")), i.StrOrNull("promoCode"), i.NumberOrNull("discountPercentage"),
        ParseDecimal(i.Str("discount")), ParseDecimal(i.Str("total")), i.Time("createdAt"), i.Time("updatedAt"), i.Number("version"),
        i.StrOrNull("currency") ?? "USD"); // orders placed before currencies were all USD

    private static string Decimal(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static decimal ParseDecimal(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
}
