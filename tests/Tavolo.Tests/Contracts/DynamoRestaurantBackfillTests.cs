using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Tavolo.Restaurants;
using Tavolo.Storage.Aws;
using Tavolo.Tests.Startup;

namespace Tavolo.Tests.Contracts;

/// <summary>
/// The DynamoDB side of "every old id keeps working": tables written by the previous release (596bd69, seeded by
/// tests/fixtures/seed-release.sh and dumped into release-596bd69.dynamodb.json) are loaded into fresh emulator tables,
/// the backfill runs, and every kind of record is read back through this version's stores by its old id.
/// </summary>
public sealed class DynamoRestaurantBackfillTests : IAsyncLifetime
{
    private readonly DynamoFixture _dynamo = new();
    private JsonElement _fixture;

    private string OwnerId => Id("ownerId");

    private string SecondOwnerId => Id("secondOwnerId");

    private string Id(string name) => _fixture.GetProperty("ids").GetProperty(name).GetString()!;

    public async Task InitializeAsync()
    {
        await _dynamo.InitializeAsync();
        _fixture = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "tests", "fixtures", "release-596bd69.dynamodb.json"))).RootElement;
        var prefix = _dynamo.Tables.Auth.Name[..^"auth".Length];
        foreach (var table in _fixture.EnumerateObject().Where(t => t.Name != "ids"))
        {
            foreach (var item in table.Value.EnumerateArray())
                await _dynamo.Client.PutItemAsync(new PutItemRequest { TableName = prefix + table.Name, Item = item.EnumerateObject().ToDictionary(a => a.Name, a => Value(a.Value)) });
        }
    }

    public Task DisposeAsync() => _dynamo.DisposeAsync();

    private DynamoRestaurantStore Restaurants => new(_dynamo.Client, _dynamo.Tables);

    private DynamoRestaurantBackfill Backfill(int pageSize = 2) => new(_dynamo.Client, _dynamo.Tables) { PageSize = pageSize };

    [Fact]
    public async Task Every_former_restaurant_becomes_one_with_its_id_and_every_old_record_still_resolves()
    {
        var outcome = await Backfill().RunAsync();
        Assert.Equal(new DynamoRestaurantBackfill.Outcome(true, 2, outcome.Pages), outcome);
        Assert.True(outcome.Pages > 3); // several pages of each source at two items a page

        await AssertMigratedAsync();
    }

    [Fact]
    public async Task A_second_run_changes_nothing_and_never_overwrites_a_profile_edited_since()
    {
        await Backfill().RunAsync();
        var edited = (await Restaurants.FindAsync(OwnerId, default))! with { Name = "Osteria Nuova", TimeZone = "Europe/Rome", Currency = "EUR", UpdatedAt = DateTime.UtcNow };
        Assert.True(await Restaurants.ReplaceAsync(edited, default));
        Assert.Equal(StaffWrite.Done, await Restaurants.SetRoleAsync(OwnerId, OwnerId, StaffRoles.Owner, default));
        var before = await ScanAsync();

        Assert.Equal(new DynamoRestaurantBackfill.Outcome(true, 0, 0), await Backfill().RunAsync()); // done: only the mark is read
        Assert.Equal(before, await ScanAsync());

        await ForgetProgressAsync(); // as if it had never finished: every source is read again
        var again = await Backfill().RunAsync();
        Assert.True(again.Done);
        Assert.Equal(0, again.Created);
        Assert.Equal(edited, await Restaurants.FindAsync(OwnerId, default));
        Assert.Equal(Without(before, "MIGRATION#"), Without(await ScanAsync(), "MIGRATION#"));
    }

    [Fact]
    public async Task A_run_stopped_after_its_first_page_resumes_where_it_stopped()
    {
        var first = await Backfill().RunAsync(maxPages: 1);
        Assert.Equal(new DynamoRestaurantBackfill.Outcome(false, first.Created, 1), first);
        var progress = await _dynamo.Client.GetItemAsync(_dynamo.Tables.Restaurants.Name, new() { ["pk"] = Dynamo.S("MIGRATION#restaurants"), ["sk"] = Dynamo.S("PROGRESS") });
        Assert.Equal("0", progress.Item["source"].N);
        Assert.NotEmpty(progress.Item["lastKey"].M); // the auth table's Scan position

        var rest = await Backfill().RunAsync();
        Assert.True(rest.Done);
        Assert.Equal(2, first.Created + rest.Created);
        await AssertMigratedAsync();

        await ForgetProgressAsync(); // a whole run over the same tables reads one page more: the second run resumed, it did not start over
        Assert.Equal(rest.Pages + 1, (await Backfill().RunAsync()).Pages);
    }

    [Fact]
    public async Task A_run_that_died_between_the_membership_and_the_profile_is_finished_by_the_next()
    {
        await Backfill().RunAsync();
        // What a run leaves when it dies right after the second owner's membership: that item, no profile.
        await _dynamo.Client.DeleteItemAsync(_dynamo.Tables.Restaurants.Name, DynamoRestaurantStore.ProfileKey(SecondOwnerId));
        await ForgetProgressAsync();

        var again = await Backfill(pageSize: 100).RunAsync();
        Assert.Equal(1, again.Created);
        await AssertMigratedAsync();
    }

    private async Task AssertMigratedAsync()
    {
        var restaurants = Restaurants;
        var owner = (await new DynamoUserStore(_dynamo.Client, _dynamo.Tables).FindAsync(OwnerId, default))!;
        Assert.Equal(new Restaurant(OwnerId, "Vecchia Osteria", null, null, null, "UTC", "USD", null, owner.CreatedAt, owner.CreatedAt),
            await restaurants.FindAsync(OwnerId, default));
        Assert.Equal([new Membership(OwnerId, OwnerId, StaffRoles.Owner, owner.CreatedAt)], await restaurants.ListStaffAsync(OwnerId, default));
        Assert.Equal([OwnerId], (await restaurants.ListMembershipsAsync(OwnerId, default)).Select(m => m.RestaurantId));
        Assert.Equal("Empty Kitchen", (await restaurants.FindAsync(SecondOwnerId, default))?.Name);
        Assert.Equal(StaffRoles.Owner, (await restaurants.FindMemberAsync(SecondOwnerId, SecondOwnerId, default))?.Role);
        Assert.Null(await restaurants.FindAsync(Id("customerId"), default));
        Assert.Empty(await restaurants.ListMembershipsAsync(Id("customerId"), default));
        Assert.Equal(["Empty Kitchen", "Vecchia Osteria"], (await restaurants.ListByNameAsync(null, null, 10, default)).Select(r => r.Name));
        // The owners counter came with it: the only owner cannot step down.
        Assert.Equal(StaffWrite.LastOwner, await restaurants.RemoveMemberAsync(OwnerId, OwnerId, default));

        var waitlists = new DynamoWaitlistStore(_dynamo.Client, _dynamo.Tables);
        var waitlist = await waitlists.FindAsync(Id("waitlistId"), default);
        Assert.Equal(("Dinner", OwnerId), (waitlist?.Name, waitlist?.RestaurantId));
        Assert.Equal([Id("waitlistId")], (await waitlists.ListAsync([OwnerId], null, 10, default)).Select(w => w.Id));
        foreach (var token in _fixture.GetProperty("waitlists").EnumerateArray().Where(i => i.TryGetProperty("guestToken", out _)).Select(i => i.GetProperty("guestToken").GetProperty("S").GetString()!))
            Assert.Equal(Id("waitlistId"), (await waitlists.FindByGuestTokenAsync(token, default))?.WaitlistId);
        Assert.Equal(2, (await waitlists.ListWaiteesAsync(Id("waitlistId"), null, null, 10, default)).Count);

        var menus = new DynamoMenuStore(_dynamo.Client, _dynamo.Tables);
        Assert.Equal(["Margherita", "Tiramisu"], (await menus.ListAsync(OwnerId, default)).Select(i => i.Name).Order());
        Assert.Equal(12.50m, (await menus.FindAsync(OwnerId, Id("menuItemId"), default))?.Price);

        var order = await new DynamoOrderStore(_dynamo.Client, _dynamo.Tables).FindAsync(Id("orderId"), null, default);
        Assert.Equal((OwnerId, Id("customerId"), "OSTERIA-10", 22.50m), (order?.RestaurantId, order?.UserId, order?.PromoCode, order?.Total));
    }

    private async Task ForgetProgressAsync()
    {
        foreach (var mark in new[] { "DONE", "PROGRESS" })
            await _dynamo.Client.DeleteItemAsync(_dynamo.Tables.Restaurants.Name, new() { ["pk"] = Dynamo.S("MIGRATION#restaurants"), ["sk"] = Dynamo.S(mark) });
    }

    /// <summary>The restaurants table, every item as canonical text, sorted.</summary>
    private async Task<List<string>> ScanAsync()
    {
        var items = (await _dynamo.Client.ScanAsync(new ScanRequest { TableName = _dynamo.Tables.Restaurants.Name, ConsistentRead = true })).Items;
        return items.Select(i => string.Join(";", i.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + Text(a.Value)))).Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> Without(List<string> items, string partition) => items.Where(i => !i.Contains("pk=" + partition, StringComparison.Ordinal)).ToList();

    private static string Text(AttributeValue v) =>
        v.S ?? v.N ?? (v.BOOL is { } b ? b.ToString() : v.M is { Count: > 0 } m ? "{" + string.Join(",", m.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + ":" + Text(a.Value))) + "}" : "?");

    /// <summary>One attribute value of DynamoDB JSON (the types the previous release wrote: S, N, BOOL, NULL, M, L).</summary>
    private static AttributeValue Value(JsonElement json)
    {
        var typed = json.EnumerateObject().Single();
        return typed.Name switch
        {
            "S" => new AttributeValue { S = typed.Value.GetString() },
            "N" => new AttributeValue { N = typed.Value.GetString() },
            "BOOL" => new AttributeValue { BOOL = typed.Value.GetBoolean() },
            "NULL" => new AttributeValue { NULL = true },
            "M" => new AttributeValue { M = typed.Value.EnumerateObject().ToDictionary(a => a.Name, a => Value(a.Value)) },
            "L" => new AttributeValue { L = typed.Value.EnumerateArray().Select(Value).ToList() },
            _ => throw new InvalidDataException($"An attribute type the fixture should not hold: {typed.Name}"),
        };
    }
}
