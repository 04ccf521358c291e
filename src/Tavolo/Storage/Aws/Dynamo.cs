using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tavolo.Platform;

namespace Tavolo.Storage.Aws;

/// <summary>One DynamoDB table: its name, key and global secondary indexes (all keys strings), TTL on <c>ttl</c>.</summary>
public sealed record DynamoTable(string Name, string PartitionKey, string? SortKey, params (string Name, string PartitionKey, string? SortKey)[] Indexes)
{
    /// <summary>Creates the table (on demand, with its indexes and TTL) when it does not exist, and waits until it is active.</summary>
    public async Task CreateIfMissingAsync(IAmazonDynamoDB dynamo, CancellationToken cancellationToken)
    {
        var attributes = new[] { PartitionKey, SortKey }.Concat(Indexes.SelectMany(i => new[] { i.PartitionKey, i.SortKey }))
            .OfType<string>().Distinct().Select(a => new AttributeDefinition(a, ScalarAttributeType.S)).ToList();
        try
        {
            await dynamo.CreateTableAsync(new CreateTableRequest
            {
                TableName = Name,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions = attributes,
                KeySchema = Key(PartitionKey, SortKey),
                GlobalSecondaryIndexes = Indexes.Length == 0 ? null : Indexes.Select(i => new GlobalSecondaryIndex
                {
                    IndexName = i.Name,
                    KeySchema = Key(i.PartitionKey, i.SortKey),
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                }).ToList(),
            }, cancellationToken);
        }
        catch (ResourceInUseException)
        {
            return; // exists
        }
        for (var i = 0; i < 600; i++)
        {
            var table = await dynamo.DescribeTableAsync(Name, cancellationToken);
            if (table.Table.TableStatus == TableStatus.ACTIVE)
                break;
            await Task.Delay(100, cancellationToken);
        }
        try
        {
            await dynamo.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
            {
                TableName = Name,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = "ttl", Enabled = true },
            }, cancellationToken);
        }
        catch (AmazonDynamoDBException)
        {
            // Emulators without TTL: expiry is also checked on read, TTL only sweeps.
        }
    }

    private static List<KeySchemaElement> Key(string partition, string? sort) =>
        sort is null ? [new(partition, KeyType.HASH)] : [new(partition, KeyType.HASH), new(sort, KeyType.RANGE)];
}

/// <summary>Small helpers that keep items readable: typed attribute values and reads.</summary>
public static class Dynamo
{
    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Times as <see cref="SortableTime"/> text, so that string order is time order (sort keys rely on it).</summary>
    public static AttributeValue T(DateTime value) => S(Time(value));

    public static string Time(DateTime value) => SortableTime.Format(value);

    /// <summary>Epoch seconds for the table's TTL attribute.</summary>
    public static AttributeValue Ttl(DateTime value) => N(new DateTimeOffset(value.ToUniversalTime()).ToUnixTimeSeconds());

    public static void Set(this Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null) item[name] = S(value);
    }

    public static void Set(this Dictionary<string, AttributeValue> item, string name, int? value)
    {
        if (value is { } v) item[name] = N(v);
    }

    public static void Set(this Dictionary<string, AttributeValue> item, string name, DateTime? value)
    {
        if (value is { } v) item[name] = T(v);
    }

    public static string Str(this Dictionary<string, AttributeValue> item, string name) => item[name].S;

    public static string? StrOrNull(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.S is not null ? value.S : null;

    public static int Number(this Dictionary<string, AttributeValue> item, string name) => int.Parse(item[name].N, CultureInfo.InvariantCulture);

    public static int? NumberOrNull(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is not null ? int.Parse(value.N, CultureInfo.InvariantCulture) : null;

    public static DateTime Time(this Dictionary<string, AttributeValue> item, string name) => ParseTime(item[name].S);

    public static DateTime? TimeOrNull(this Dictionary<string, AttributeValue> item, string name) =>
        item.StrOrNull(name) is { } text ? ParseTime(text) : null;

    public static DateTime ParseTime(string text) => SortableTime.Parse(text);

    /// <summary>Runs a conditional write: false when its condition failed (the write lost; nothing changed).</summary>
    public static async Task<bool> SucceedsAsync(Func<Task> write)
    {
        try
        {
            await write();
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Pages through a query until <paramref name="limit"/> items passed its filter (DynamoDB applies <c>Limit</c> before
    /// the filter, so one page may hold fewer) or the index has no more.
    /// </summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(
        this IAmazonDynamoDB dynamo, QueryRequest request, int limit, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        do
        {
            request.Limit = (int)Math.Min(1000L, (long)Math.Max(limit - items.Count, 1) * (request.FilterExpression is null ? 1 : 4));
            var response = await dynamo.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                if (items.Count < limit)
                    items.Add(item);
            }
            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (items.Count < limit && request.ExclusiveStartKey is not null);
        return items;
    }
}
