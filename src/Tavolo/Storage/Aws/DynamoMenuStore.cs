using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tavolo.Restaurants;
using static Tavolo.Storage.Aws.Dynamo;

namespace Tavolo.Storage.Aws;

/// <summary>
/// Menus in their own table: one partition per restaurant (<c>MENU#{restaurantId}</c>) holding an <c>ITEM#{id}</c> per
/// dish and one <c>COUNT</c> item, so one Query reads a whole menu and one BatchGet the dishes an order names. The
/// 500-item cap is a conditional increment of the count before the put (undone when the put fails): racing adds cannot
/// pass the cap. A crash between the two leaves the count one high, which only errs towards refusing (see docs/dynamodb.md).
/// </summary>
public sealed class DynamoMenuStore(IAmazonDynamoDB dynamo, DynamoTables tables) : IMenuStore
{
    /// <summary>Schema version of the item shape (every menu item carries it as <c>v</c>).</summary>
    private const int Version = 1;

    public static DynamoTable Table(string prefix) => new(prefix + "menus", "pk", "sk");

    private string Name => tables.Menus.Name;

    public async Task<bool> AddAsync(MenuItem item, int maxItems, CancellationToken cancellationToken)
    {
        var counted = await SucceedsAsync(() => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = CountKey(item.RestaurantId),
            UpdateExpression = "ADD itemCount :one",
            ConditionExpression = "attribute_not_exists(itemCount) OR itemCount < :max",
            ExpressionAttributeValues = new() { [":one"] = N(1), [":max"] = N(maxItems) },
        }, cancellationToken));
        if (!counted)
            return false;
        var added = false;
        try
        {
            added = await SucceedsAsync(() => dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = Name, Item = ToItem(item), ConditionExpression = "attribute_not_exists(pk)",
            }, cancellationToken));
        }
        finally
        {
            if (!added)
                await UncountAsync(item.RestaurantId);
        }
        return added;
    }

    public async Task<IReadOnlyList<MenuItem>> ListAsync(string restaurantId, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :item)",
            ExpressionAttributeValues = new() { [":pk"] = S(Partition(restaurantId)), [":item"] = S("ITEM#") },
            ConsistentRead = true,
        }, MenuRules.MaxItems * 2, cancellationToken);
        return items.Select(FromItem).ToList();
    }

    public async Task<MenuItem?> FindAsync(string restaurantId, string itemId, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Name, Key = ItemKey(restaurantId, itemId), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    public async Task<IReadOnlyList<MenuItem>> FindManyAsync(string restaurantId, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken)
    {
        var found = new List<MenuItem>();
        var keys = itemIds.Distinct(StringComparer.Ordinal).Select(id => ItemKey(restaurantId, id)).ToList();
        if (keys.Count == 0)
            return found;
        // One BatchGet (an order has at most 50 lines; the call takes 100 keys). Keys DynamoDB leaves unprocessed
        // under throttling are asked for again.
        var request = new Dictionary<string, KeysAndAttributes> { [Name] = new() { Keys = keys, ConsistentRead = true } };
        for (var attempt = 0; request.Count > 0; attempt++)
        {
            if (attempt > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(20 << Math.Min(attempt, 6)), cancellationToken);
            var response = await dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = request }, cancellationToken);
            if (response.Responses?.TryGetValue(Name, out var items) == true)
                found.AddRange(items.Select(FromItem));
            request = response.UnprocessedKeys is { Count: > 0 } unprocessed ? unprocessed : [];
        }
        return found;
    }

    public async Task<MenuItem?> ReplaceAsync(MenuItem item, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":name"] = S(item.Name), [":price"] = S(item.Price.ToString(CultureInfo.InvariantCulture)),
            [":available"] = new() { BOOL = item.Available }, [":updated"] = T(item.UpdatedAt), [":v"] = N(Version),
        };
        var set = new List<string> { "#n = :name", "price = :price", "available = :available", "updatedAt = :updated", "v = :v" };
        var remove = new List<string>();
        void Optional(string attribute, string? value)
        {
            if (value is null) { remove.Add(attribute); return; }
            set.Add($"{attribute} = :{attribute}");
            values[":" + attribute] = S(value);
        }
        Optional("description", item.Description);
        Optional("category", item.Category);
        try
        {
            var response = await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Name,
                Key = ItemKey(item.RestaurantId, item.Id),
                UpdateExpression = "SET " + string.Join(", ", set) + (remove.Count == 0 ? "" : " REMOVE " + string.Join(", ", remove)),
                ConditionExpression = "attribute_exists(pk)",
                ExpressionAttributeNames = new() { ["#n"] = "name" },
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

    public async Task<bool> DeleteAsync(string restaurantId, string itemId, CancellationToken cancellationToken)
    {
        var deleted = await SucceedsAsync(() => dynamo.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = Name, Key = ItemKey(restaurantId, itemId), ConditionExpression = "attribute_exists(pk)",
        }, cancellationToken));
        if (deleted)
            await UncountAsync(restaurantId);
        return deleted;
    }

    private async Task UncountAsync(string restaurantId) => await dynamo.UpdateItemAsync(new UpdateItemRequest
    {
        TableName = Name,
        Key = CountKey(restaurantId),
        UpdateExpression = "ADD itemCount :minus",
        ExpressionAttributeValues = new() { [":minus"] = N(-1) },
    }, CancellationToken.None);

    private static string Partition(string restaurantId) => "MENU#" + restaurantId;

    private static Dictionary<string, AttributeValue> ItemKey(string restaurantId, string itemId) =>
        new() { ["pk"] = S(Partition(restaurantId)), ["sk"] = S("ITEM#" + itemId) };

    private static Dictionary<string, AttributeValue> CountKey(string restaurantId) =>
        new() { ["pk"] = S(Partition(restaurantId)), ["sk"] = S("COUNT") };

    private static Dictionary<string, AttributeValue> ToItem(MenuItem i)
    {
        var item = ItemKey(i.RestaurantId, i.Id);
        item["id"] = S(i.Id);
        item["restaurantId"] = S(i.RestaurantId);
        item["name"] = S(i.Name);
        item["price"] = S(i.Price.ToString(CultureInfo.InvariantCulture));
        item["available"] = new() { BOOL = i.Available };
        item["createdAt"] = T(i.CreatedAt);
        item["updatedAt"] = T(i.UpdatedAt);
        item["v"] = N(Version);
        item.Set("description", i.Description);
        item.Set("category", i.Category);
        return item;
    }

    private static MenuItem FromItem(Dictionary<string, AttributeValue> i) => new(
        i.Str("id"), i.Str("restaurantId"), i.Str("name"), i.StrOrNull("description"), decimal.Parse(i.Str("price"), CultureInfo.InvariantCulture),
        i.StrOrNull("category"), i["available"].BOOL == true, i.Time("createdAt"), i.Time("updatedAt"));
}
