#if !AWS_BACKENDS
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Tavolo.Platform;
using Tavolo.Storage.Sqlite;
using Tavolo.Tests.Orders;
using Tavolo.Tests.Startup;

namespace Tavolo.Tests.Restaurants;

/// <summary>
/// The database the previous release (596bd69, when a restaurant was an owner account) wrote —
/// tests/fixtures/release-596bd69.db, made by tests/fixtures/seed-release.sh through that release's API — opened by
/// this one: every kind of record is still there under its old id, and the owners run their restaurants as OWNERs.
/// </summary>
public sealed class ReleaseUpgradeTests(ReleaseUpgradeTests.PreviousReleaseApp app) : IClassFixture<ReleaseUpgradeTests.PreviousReleaseApp>
{
    private const string Password = "correct horse battery";

    public static string FixturePath => Path.Combine(Repository.Root, "tests", "fixtures", "release-596bd69.db");

    private static readonly JsonObject Ids = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "tests", "fixtures", "release-596bd69.ids.json")))!.AsObject();

    private static string Id(string name) => (string)Ids[name]!;

    /// <summary>The app on a copy of the previous release's file (copied before the app starts and migrates it).</summary>
    public sealed class PreviousReleaseApp : TavoloApp
    {
        private string? _path;

        protected override IDictionary<string, string?> Settings
        {
            get
            {
                if (_path is null)
                {
                    var directory = Directory.CreateTempSubdirectory("tavolo-release-").FullName;
                    _path = Path.Combine(directory, "tavolo.db");
                    File.Copy(FixturePath, _path);
                }
                return new Dictionary<string, string?> { ["Tavolo:Sqlite:Path"] = _path };
            }
        }
    }

    [Fact]
    public async Task Every_owner_runs_its_restaurant_under_the_same_id_and_every_record_still_resolves()
    {
        var ownerId = Id("ownerId");
        using var owner = app.As((string)(await app.LoginAsync("osteria@example.com", Password))["accessToken"]!);
        using var customer = app.As((string)(await app.LoginAsync("guest@example.com", Password))["accessToken"]!);
        using var empty = app.As((string)(await app.LoginAsync("empty@example.com", Password))["accessToken"]!);
        using var anonymous = app.Anonymous();

        // The owner account became a restaurant with the same id, itself its OWNER, UTC and USD.
        var mine = await (await owner.GetAsync("/users/me/restaurants")).ReadJsonAsync(HttpStatusCode.OK);
        var workplace = Assert.Single(mine["items"]!.AsArray())!;
        Assert.Equal((ownerId, "Vecchia Osteria", "OWNER", "UTC", "USD"),
            ((string)workplace["restaurant"]!["id"]!, (string)workplace["restaurant"]!["name"]!, (string)workplace["role"]!,
                (string)workplace["restaurant"]!["timeZone"]!, (string)workplace["restaurant"]!["currency"]!));
        // An owner account with no records too (it was in the directory before); a customer works nowhere.
        Assert.Single((await (await empty.GetAsync("/users/me/restaurants")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray());
        Assert.Empty((await (await customer.GetAsync("/users/me/restaurants")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray());
        Assert.Contains(await anonymous.ListAllAsync("/restaurants?q=osteria"), r => (string)r["id"]! == ownerId);

        // The menu, by the old link.
        var menu = await (await anonymous.GetAsync($"/restaurants/{ownerId}/menu")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Vecchia Osteria", "USD", 2), ((string)menu["restaurantName"]!, (string)menu["currency"]!, menu["items"]!.AsArray().Count));
        Assert.Equal(12.50m, (decimal)(await (await anonymous.GetAsync($"/restaurants/{ownerId}/menu/items/{Id("menuItemId")}")).ReadJsonAsync(HttpStatusCode.OK))["price"]!);

        // The waitlist (its printed QR code and check-in page), its parties and a guest's link.
        var waitlistId = Id("waitlistId");
        Assert.Equal(2, (int)(await (await anonymous.GetAsync($"/waitlists/{waitlistId}/public")).ReadJsonAsync(HttpStatusCode.OK))["waitingCount"]!);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/w/{waitlistId}/qr.svg")).StatusCode);
        var waitlist = await (await owner.GetAsync($"/waitlists/{waitlistId}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(ownerId, (string)waitlist["restaurantId"]!);
        var line = (await (await owner.GetAsync($"/waitlists/{waitlistId}/waitees")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(["Bianchi", "Verdi"], line.Select(w => (string)w!["name"]!));
        Assert.Equal("window", (string)line[0]!["notes"]!);
        var guest = await (await anonymous.GetAsync($"/guest/{line[1]!["guestToken"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal((2, "WAITING"), ((int)guest["position"]!, (string)guest["status"]!));
        Assert.Single((await (await owner.GetAsync("/waitlists")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray());

        // The order: its customer and its restaurant's board read it, in USD, with names.
        var order = await (await customer.GetAsync($"/orders/{Id("orderId")}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Giulia Rossi", "Vecchia Osteria", "USD", 22.50m, "OSTERIA-10"),
            ((string)order["customerName"]!, (string)order["restaurantName"]!, (string)order["currency"]!, (decimal)order["total"]!, (string)order["promoCode"]!));
        var board = await (await owner.GetAsync($"/orders?restaurantId={ownerId}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(Id("orderId"), (string)Assert.Single(board["items"]!.AsArray())!["orderId"]!);

        // The promo code: its restaurant manages it, its customer sees it by name.
        var code = await (await owner.GetAsync($"/promo-codes/{Id("promoCode")}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal((ownerId, 1, "Giulia Rossi", Id("customerId")),
            ((string)code["restaurantId"]!, (int)code["redemptions"]!, (string)code["ownerName"]!, (string)code["ownerId"]!));
        var usable = await (await customer.PostAsync($"/promo-codes/{Id("promoCode")}/validate?restaurantId={ownerId}", null)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.True((bool)usable["valid"]!);

        // And the migrated OWNER runs it like any restaurant made today: a party, a new dish, an invitation.
        await (await owner.PostAsJsonAsync($"/waitlists/{waitlistId}/waitees", new { name = "Neri", partySize = 3, email = "neri@example.com" })).ReadJsonAsync(HttpStatusCode.Created);
        await (await owner.PostAsJsonAsync($"/restaurants/{ownerId}/menu/items", new { name = "Panna cotta", price = 5.50m })).ReadJsonAsync(HttpStatusCode.Created);
        await (await owner.PostAsJsonAsync($"/restaurants/{ownerId}/invitations", new { email = TavoloApp.NewEmail("host"), role = "HOST" })).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Single((await (await owner.GetAsync($"/restaurants/{ownerId}/staff")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_migration_that_fails_half_way_leaves_the_previous_schema_and_data_and_the_next_start_finishes_it()
    {
        var directory = Directory.CreateTempSubdirectory("tavolo-release-").FullName;
        try
        {
            var path = Path.Combine(directory, "tavolo.db");
            File.Copy(FixturePath, path);
            var options = new TavoloOptions();
            options.Sqlite.Path = path;
            await using (var database = new SqliteDatabase(Options.Create(options)))
            {
                // Something in the way of the step's third table: the step fails after its first statements ran.
                await using (var connection = await database.OpenAsync())
                    await connection.ExecuteAsync("CREATE TABLE invitations (x TEXT);", default);
                await Assert.ThrowsAnyAsync<Microsoft.Data.Sqlite.SqliteException>(() => database.MigrateAsync());
                await using (var connection = await database.OpenAsync())
                {
                    Assert.Equal(5L, await connection.ScalarAsync("SELECT MAX(version) FROM schema_migrations;", default));
                    Assert.Null(await connection.ScalarAsync("SELECT name FROM sqlite_master WHERE name = 'restaurants';", default));
                    Assert.Equal(1L, await connection.ScalarAsync("SELECT COUNT(*) FROM waitlists WHERE owner_id = $o;", default, ("$o", Id("ownerId"))));
                    await connection.ExecuteAsync("DROP TABLE invitations;", default);
                }
                await database.MigrateAsync(); // the next start
                await using (var connection = await database.OpenAsync())
                {
                    Assert.Equal((long)SqliteMigrations.All.Max(m => m.Version), await connection.ScalarAsync("SELECT MAX(version) FROM schema_migrations;", default));
                    Assert.Equal(1L, await connection.ScalarAsync("SELECT COUNT(*) FROM waitlists WHERE restaurant_id = $o;", default, ("$o", Id("ownerId"))));
                    Assert.Equal(2L, await connection.ScalarAsync("SELECT COUNT(*) FROM memberships WHERE role = 'OWNER';", default));
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
#endif
