using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tavolo.Platform;
using Tavolo.Restaurants;
using Tavolo.Users;
using static Tavolo.Storage.Aws.Dynamo;

namespace Tavolo.Storage.Aws;

/// <summary>
/// The one-off move to restaurants as records (the DynamoDB side of SQLite's migration 6): every account that was a
/// restaurant — an owner account, or any account holding a waitlist or a menu (orders need a menu) — becomes a
/// restaurant with the same id, named after the account, time zone UTC, currency USD, with the account as its OWNER.
/// Idempotent: every write is conditional on the item not being there, so a second run changes nothing and a profile
/// edited since is never overwritten. Resumable: after each Scan page the position (source, LastEvaluatedKey) is kept
/// in the restaurants table (<c>MIGRATION#restaurants</c> / <c>PROGRESS</c>) and a run continues from there; when all
/// sources are read it writes <c>MIGRATION#restaurants</c> / <c>DONE</c>, and later runs only read that. A deploy runs
/// it through <see cref="RestaurantBackfillEvent"/>; a local start against an emulator through
/// <see cref="StorageSetup.PrepareStorageAsync"/> (docs/dynamodb.md, "restaurants").
/// </summary>
public sealed class DynamoRestaurantBackfill(IAmazonDynamoDB dynamo, DynamoTables tables)
{
    /// <summary>Items a Scan reads per page (before its filter), and so between two progress marks.</summary>
    public int PageSize { get; init; } = 100;

    private static readonly Dictionary<string, AttributeValue> ProgressKey = new() { ["pk"] = S("MIGRATION#restaurants"), ["sk"] = S("PROGRESS") };
    private static readonly Dictionary<string, AttributeValue> DoneKey = new() { ["pk"] = S("MIGRATION#restaurants"), ["sk"] = S("DONE") };

    /// <summary>Where the former restaurants are found, in order: which table, which items, and the account id in them.</summary>
    private IReadOnlyList<(string Table, string Filter, Dictionary<string, AttributeValue> Values, Func<Dictionary<string, AttributeValue>, string?> Id)> Sources =>
    [
        (tables.Auth.Name, "sk = :user AND #r = :owner", new() { [":user"] = S("USER"), [":owner"] = S(Roles.Owner) }, i => i.StrOrNull("id")),
        (tables.Waitlists.Name, "sk = :waitlist", new() { [":waitlist"] = S("WAITLIST") }, i => i.StrOrNull("ownerId")),
        (tables.Menus.Name, "sk = :count", new() { [":count"] = S("COUNT") }, i => i.StrOrNull("pk")?["MENU#".Length..]),
    ];

    public sealed record Outcome(bool Done, int Created, int Pages);

    /// <summary>Runs until done, or until <paramref name="maxPages"/> Scan pages or <paramref name="budget"/> have passed (then run it again).</summary>
    public async Task<Outcome> RunAsync(int maxPages = int.MaxValue, TimeSpan? budget = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        if ((await dynamo.GetItemAsync(new GetItemRequest { TableName = tables.Restaurants.Name, Key = DoneKey, ConsistentRead = true }, cancellationToken)).Item is { Count: > 0 })
            return new(true, 0, 0);
        var progress = (await dynamo.GetItemAsync(new GetItemRequest { TableName = tables.Restaurants.Name, Key = ProgressKey, ConsistentRead = true }, cancellationToken)).Item;
        var source = progress is { Count: > 0 } ? progress.Number("source") : 0;
        var start = progress is { Count: > 0 } && progress.TryGetValue("lastKey", out var last) && last.M is { Count: > 0 } ? last.M : null;
        int created = 0, pages = 0;
        while (source < Sources.Count)
        {
            if (pages >= maxPages || (budget is { } b && clock.Elapsed >= b))
                return new(false, created, pages);
            var (table, filter, values, id) = Sources[source];
            var page = await dynamo.ScanAsync(new ScanRequest
            {
                TableName = table,
                Limit = PageSize,
                FilterExpression = filter,
                ExpressionAttributeNames = filter.Contains("#r", StringComparison.Ordinal) ? new() { ["#r"] = "role" } : null,
                ExpressionAttributeValues = values,
                ExclusiveStartKey = start,
                ConsistentRead = true,
            }, cancellationToken);
            foreach (var accountId in (page.Items ?? []).Select(id).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                if (await EnsureRestaurantAsync(accountId, cancellationToken))
                    created++;
            }
            pages++;
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            if (start is null)
                source++;
            var mark = new Dictionary<string, AttributeValue>(ProgressKey) { ["source"] = N(source) };
            if (start is not null)
                mark["lastKey"] = new AttributeValue { M = start };
            await dynamo.PutItemAsync(new PutItemRequest { TableName = tables.Restaurants.Name, Item = mark }, cancellationToken);
        }
        await dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = tables.Restaurants.Name,
            Item = new(DoneKey) { ["completedAt"] = T(DateTime.UtcNow) },
        }, cancellationToken);
        return new(true, created, pages);
    }

    /// <summary>
    /// Makes the account a restaurant unless one with its id exists (or the account is gone): the OWNER membership first,
    /// then the profile; both conditional on not existing, so a run that died between the two finishes the job on
    /// the next run. If the profile appeared meanwhile (the account registered it itself), a membership written here is
    /// taken back. True when it created the restaurant.
    /// </summary>
    private async Task<bool> EnsureRestaurantAsync(string id, CancellationToken cancellationToken)
    {
        var restaurants = tables.Restaurants.Name;
        if ((await dynamo.GetItemAsync(new GetItemRequest { TableName = restaurants, Key = DynamoRestaurantStore.ProfileKey(id), ConsistentRead = true }, cancellationToken)).Item is { Count: > 0 })
            return false;
        var account = (await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = tables.Auth.Name, Key = new() { ["pk"] = S("USER#" + id), ["sk"] = S("USER") }, ConsistentRead = true,
        }, cancellationToken)).Item;
        if (account is not { Count: > 0 })
            return false; // as SQLite's migration: records of an account deleted since stay with no restaurant (an admin's to clean)
        var since = account.Time("createdAt");
        var member = DynamoRestaurantStore.ToItem(new Membership(id, id, StaffRoles.Owner, since));
        var joined = await SucceedsAsync(() => dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = restaurants, Item = member, ConditionExpression = "attribute_not_exists(pk)",
        }, cancellationToken));
        var profile = DynamoRestaurantStore.ToItem(new Restaurant(
            id, account.Str("name"), null, null, null, Restaurant.DefaultTimeZone, Restaurant.DefaultCurrency, null, since, since));
        profile["owners"] = N(1);
        profile["pending"] = N(0);
        if (await SucceedsAsync(() => dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = restaurants, Item = profile, ConditionExpression = "attribute_not_exists(pk)",
        }, cancellationToken)))
            return true;
        if (joined)
        {
            await SucceedsAsync(() => dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = restaurants, Key = new() { ["pk"] = member["pk"], ["sk"] = member["sk"] },
                ConditionExpression = "since = :since", ExpressionAttributeValues = new() { [":since"] = member["since"] },
            }, CancellationToken.None));
        }
        return false;
    }
}

/// <summary>
/// <c>{"tavolo": "backfill-restaurants"}</c>: what <c>deploy/sam-deploy.sh</c> invokes the restaurants function with after
/// <c>sam deploy</c>, until it answers <c>done: true</c>. Each invocation runs the backfill for at most 20 seconds (the
/// function's timeout is 29).
/// </summary>
public sealed class RestaurantBackfillEvent(DynamoRestaurantBackfill backfill) : ILambdaEventHandler
{
    public const string Name = "backfill-restaurants";

    public string Describes => $"{{\"tavolo\": \"{Name}\"}}";

    public bool Handles(JsonObject payload) => (string?)payload["tavolo"] == Name;

    public async Task<JsonObject> HandleAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        var outcome = await backfill.RunAsync(budget: TimeSpan.FromSeconds(20), cancellationToken: cancellationToken);
        return new() { ["done"] = outcome.Done, ["created"] = outcome.Created, ["pages"] = outcome.Pages };
    }
}
