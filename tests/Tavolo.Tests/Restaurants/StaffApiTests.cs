using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tavolo.Tests.Waitlists;
using static Tavolo.Tests.Waitlists.WaitlistSteps;

namespace Tavolo.Tests.Restaurants;

/// <summary>Restaurants as records: profiles, staff with roles, invitations, the last-owner rule, and what bad input gets.</summary>
public sealed class StaffApiTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    /// <summary>Invites <paramref name="person"/> with <paramref name="role"/> and has it accept: a member from then on.</summary>
    private static async Task JoinAsync(HttpClient inviter, string restaurantId, TestUser person, string role)
    {
        var invitation = await (await inviter.PostAsJsonAsync($"/restaurants/{restaurantId}/invitations", new { email = person.Email, role }))
            .ReadJsonAsync(HttpStatusCode.Created);
        using var client = person.Client();
        var joined = await (await client.PostAsync($"/invitations/{invitation["token"]}/accept", null)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal((restaurantId, role), ((string)joined["restaurant"]!["id"]!, (string)joined["role"]!));
    }

    [Fact]
    public async Task An_owner_opens_a_second_restaurant_with_its_zone_and_currency_and_edits_its_profile()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        var created = await client.PostAsJsonAsync("/restaurants", new { name = "Trattoria Due", timeZone = "Europe/Rome", currency = "EUR", country = "IT", phone = "+390212345678" });
        var restaurant = await created.ReadJsonAsync(HttpStatusCode.Created);
        var id = (string)restaurant["id"]!;
        Assert.NotEqual(owner.Id, id); // restaurants after the first have their own ids
        Assert.Equal($"/restaurants/{id}", created.Headers.Location?.ToString());
        Assert.Equal(("Europe/Rome", "EUR", "IT"), ((string)restaurant["timeZone"]!, (string)restaurant["currency"]!, (string)restaurant["country"]!));

        var mine = (await (await client.GetAsync("/users/me/restaurants")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(["Test owner", "Trattoria Due"], mine.Select(m => (string)m!["restaurant"]!["name"]!)); // by name
        Assert.All(mine, m => Assert.Equal("OWNER", (string)m!["role"]!));

        // Working at two: a waitlist must name its restaurant.
        await (await client.PostAsJsonAsync("/waitlists", new { name = "Patio" })).AssertFieldErrorAsync("restaurantId");
        var patio = await (await client.PostAsJsonAsync("/waitlists", new { name = "Patio", restaurantId = id })).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(id, (string)patio["restaurantId"]!);
        var narrowed = await (await client.GetAsync($"/waitlists?restaurantId={id}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal((string)patio["id"]!, (string)Assert.Single(narrowed["items"]!.AsArray())!["id"]!);

        var edited = await (await client.PutAsJsonAsync($"/restaurants/{id}", new { name = "Trattoria Tre", timeZone = "America/New_York", currency = "USD" }))
            .ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Trattoria Tre", "America/New_York", "USD"), ((string)edited["name"]!, (string)edited["timeZone"]!, (string)edited["currency"]!));
        Assert.Null(edited["country"]); // PUT replaces the profile
        using var anonymous = app.Anonymous();
        var profile = await (await anonymous.GetAsync($"/restaurants/{id}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Trattoria Tre", (string)profile["name"]!);
        Assert.Null(profile["createdAt"]); // the public profile
        await (await anonymous.GetAsync($"/restaurants/no-such-restaurant")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_zones_currencies_and_countries_are_refused_and_change_nothing()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        foreach (var (field, body) in new (string, object)[]
        {
            ("timeZone", new { name = "X", timeZone = "Mars/Olympus" }),
            ("timeZone", new { name = "X", timeZone = "Eastern Standard Time" }), // a Windows id, not IANA
            ("timeZone", new { name = "X", timeZone = "../../etc/passwd" }),
            ("currency", new { name = "X", currency = "EURO" }),
            ("currency", new { name = "X", currency = "eur" }),
            ("currency", new { name = "X", currency = "XYZ" }),
            ("country", new { name = "X", country = "ZZ" }),
            ("phone", new { name = "X", phone = "02 1234 5678" }),
            ("name", new { name = "" }),
        })
        {
            await (await client.PostAsJsonAsync("/restaurants", body)).AssertFieldErrorAsync(field);
            await (await client.PutAsJsonAsync($"/restaurants/{owner.Id}", body)).AssertFieldErrorAsync(field);
        }
        Assert.Single((await (await client.GetAsync("/users/me/restaurants")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray());
        using var anonymous = app.Anonymous();
        var profile = await (await anonymous.GetAsync($"/restaurants/{owner.Id}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Test owner", "UTC", "USD"), ((string)profile["name"]!, (string)profile["timeZone"]!, (string)profile["currency"]!));

        using var customer = (await app.NewUserAsync()).Client();
        await (await customer.PostAsJsonAsync("/restaurants", new { name = "Mine" })).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Registration_as_a_restaurant_names_the_first_restaurant()
    {
        using var anonymous = app.Anonymous();
        var email = TavoloApp.NewEmail("named");
        var user = await (await anonymous.PostAsJsonAsync("/auth/register",
            new { email, password = "a-long-enough-pass-7", name = "Maria Rossi", accountType = "owner", restaurantName = "Da Maria" })).ReadJsonAsync(HttpStatusCode.Created);
        var profile = await (await anonymous.GetAsync($"/restaurants/{user["id"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Da Maria", (string)profile["name"]!);
        await (await anonymous.PostAsJsonAsync("/auth/register",
            new { email = TavoloApp.NewEmail(), password = "a-long-enough-pass-7", name = "X", accountType = "owner", restaurantName = new string('x', 101) })).AssertFieldErrorAsync("restaurantName");
    }

    [Fact]
    public async Task A_host_is_invited_accepts_runs_the_line_and_nothing_more()
    {
        var owner = await app.NewUserAsync("owner");
        using var asOwner = owner.Client();
        var waitlist = await NewWaitlistAsync(asOwner);
        var host = await app.NewUserAsync();
        var invited = await asOwner.PostAsJsonAsync($"/restaurants/{owner.Id}/invitations", new { email = host.Email.ToUpperInvariant(), role = "HOST" });
        var invitation = await invited.ReadJsonAsync(HttpStatusCode.Created);
        var token = (string)invitation["token"]!;
        Assert.StartsWith("http://localhost:5080/invite/", (string)invitation["acceptUrl"]!, StringComparison.Ordinal);
        Assert.True(token.Length >= 40);

        // Pending: listed without its token; previewed by whoever holds it.
        var pending = (await (await asOwner.GetAsync($"/restaurants/{owner.Id}/invitations")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.DoesNotContain(token, Assert.Single(pending)!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(owner.Id, (string)pending[0]!["invitedBy"]!);
        using var anonymous = app.Anonymous();
        var preview = await (await anonymous.GetAsync($"/invitations/{token}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Test owner", "HOST"), ((string)preview["restaurantName"]!, (string)preview["role"]!));

        // Only the invited email accepts (any case), once.
        using var stranger = (await app.NewUserAsync()).Client();
        await (await stranger.PostAsync($"/invitations/{token}/accept", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/invitations/{token}/accept", null)).StatusCode);
        using var asHost = host.Client();
        var joined = await (await asHost.PostAsync($"/invitations/{token}/accept", null)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("HOST", (string)joined["role"]!);
        await (await asHost.PostAsync($"/invitations/{token}/accept", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await anonymous.GetAsync($"/invitations/{token}")).AssertProblemAsync(HttpStatusCode.NotFound);

        // The host runs the line; may open and close it; may not rename it, manage staff, write the menu or see orders.
        var party = (string)(await AddAsync(asHost, waitlist, "Rossi"))["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await asHost.PostAsync($"/waitlists/{waitlist}/waitees/{party}/seat", null)).StatusCode);
        var closed = await (await asHost.PutAsJsonAsync($"/waitlists/{waitlist}", new { name = "Da Mario", isOpen = false })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.False((bool)closed["isOpen"]!);
        await (await asHost.PutAsJsonAsync($"/waitlists/{waitlist}", new { name = "Renamed", isOpen = true })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asHost.PostAsJsonAsync("/waitlists", new { name = "Mine" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asHost.GetAsync($"/restaurants/{owner.Id}/staff")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asHost.PostAsJsonAsync($"/restaurants/{owner.Id}/menu/items", new { name = "X", price = 1m })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asHost.GetAsync($"/orders?restaurantId={owner.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);

        var staff = (await (await asOwner.GetAsync($"/restaurants/{owner.Id}/staff")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal([("OWNER", owner.Email), ("HOST", host.Email)], staff.Select(s => ((string)s!["role"]!, (string)s["email"]!)));
    }

    [Fact]
    public async Task A_manager_manages_hosts_and_kitchen_only_and_the_last_owner_stays()
    {
        var owner = await app.NewUserAsync("owner");
        using var asOwner = owner.Client();
        var manager = await app.NewUserAsync();
        var host = await app.NewUserAsync();
        await JoinAsync(asOwner, owner.Id, manager, "MANAGER");
        using var asManager = manager.Client();
        await JoinAsync(asManager, owner.Id, host, "HOST");

        // A manager may move a host to the kitchen, not make anyone an owner or manager, nor touch the owner.
        var moved = await (await asManager.PutAsJsonAsync($"/restaurants/{owner.Id}/staff/{host.Id}", new { role = "KITCHEN" })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("KITCHEN", (string)moved["role"]!);
        await (await asManager.PutAsJsonAsync($"/restaurants/{owner.Id}/staff/{host.Id}", new { role = "OWNER" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asManager.PutAsJsonAsync($"/restaurants/{owner.Id}/staff/{owner.Id}", new { role = "HOST" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asManager.DeleteAsync($"/restaurants/{owner.Id}/staff/{owner.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asManager.PostAsJsonAsync($"/restaurants/{owner.Id}/invitations", new { email = TavoloApp.NewEmail(), role = "MANAGER" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asManager.DeleteAsync($"/restaurants/{owner.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);

        // Bad role names: 400 under role.
        await (await asOwner.PutAsJsonAsync($"/restaurants/{owner.Id}/staff/{host.Id}", new { role = "CHEF" })).AssertFieldErrorAsync("role");
        await (await asOwner.PutAsJsonAsync($"/restaurants/{owner.Id}/staff/{host.Id}", new { role = "host" })).AssertFieldErrorAsync("role");
        await (await asOwner.PostAsJsonAsync($"/restaurants/{owner.Id}/invitations", new { email = TavoloApp.NewEmail(), role = "SOMMELIER" })).AssertFieldErrorAsync("role");
        await (await asOwner.PostAsJsonAsync($"/restaurants/{owner.Id}/invitations", new { email = "not-an-email", role = "HOST" })).AssertFieldErrorAsync("email");

        // The last OWNER can neither be demoted nor removed (nor leave); with a second owner, it can.
        await (await asOwner.PutAsJsonAsync($"/restaurants/{owner.Id}/staff/{owner.Id}", new { role = "MANAGER" })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await asOwner.DeleteAsync($"/restaurants/{owner.Id}/staff/{owner.Id}")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await asOwner.PutAsJsonAsync($"/restaurants/{owner.Id}/staff/{manager.Id}", new { role = "OWNER" })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await asOwner.DeleteAsync($"/restaurants/{owner.Id}/staff/{owner.Id}")).StatusCode); // leaves
        await (await asManager.DeleteAsync($"/restaurants/{owner.Id}/staff/{manager.Id}")).AssertProblemAsync(HttpStatusCode.Conflict);
        var staff = (await (await asManager.GetAsync($"/restaurants/{owner.Id}/staff")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(["OWNER", "KITCHEN"], staff.Select(s => (string)s!["role"]!));
        // Someone already working there cannot be invited again.
        await (await asManager.PostAsJsonAsync($"/restaurants/{owner.Id}/invitations", new { email = host.Email, role = "HOST" })).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Fifty_invitations_are_pending_at_most_and_a_withdrawn_one_stops_working()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        var tokens = new List<string>();
        for (var i = 0; i < 50; i++)
            tokens.Add((string)(await (await client.PostAsJsonAsync($"/restaurants/{owner.Id}/invitations", new { email = TavoloApp.NewEmail("cook"), role = "KITCHEN" }))
                .ReadJsonAsync(HttpStatusCode.Created))["token"]!);
        await (await client.PostAsJsonAsync($"/restaurants/{owner.Id}/invitations", new { email = TavoloApp.NewEmail("one-more"), role = "KITCHEN" })).AssertProblemAsync(HttpStatusCode.Conflict);
        var pending = (await (await client.GetAsync($"/restaurants/{owner.Id}/invitations")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(50, pending.Count);

        var first = (string)pending[0]!["id"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/restaurants/{owner.Id}/invitations/{first}")).StatusCode);
        await (await client.DeleteAsync($"/restaurants/{owner.Id}/invitations/{first}")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var anonymous = app.Anonymous();
        await (await anonymous.GetAsync($"/invitations/{tokens[0]}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"/restaurants/{owner.Id}/invitations", new { email = TavoloApp.NewEmail("one-more"), role = "KITCHEN" })).ReadJsonAsync(HttpStatusCode.Created);

        // After 7 days an invitation is no longer pending: it cannot be accepted, and it leaves room.
        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        await (await anonymous.GetAsync($"/invitations/{tokens[1]}")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var later = app.As((string)(await app.LoginAsync(owner.Email, owner.Password))["accessToken"]!); // a week on: a new token
        Assert.Empty((await (await later.GetAsync($"/restaurants/{owner.Id}/invitations")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray());
        await (await anonymous.GetAsync("/invitations/forged-token-that-is-long-enough")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_removed_member_loses_access_at_once_and_its_open_stream_ends()
    {
        var owner = await app.NewUserAsync("owner");
        using var asOwner = owner.Client();
        var waitlist = await NewWaitlistAsync(asOwner);
        var host = await app.NewUserAsync();
        await JoinAsync(asOwner, owner.Id, host, "HOST");
        using var asHost = host.Client();
        await using var stream = await EventStream.OpenAsync(asHost, $"/waitlists/{waitlist}/stream");
        Assert.Equal("waitlist", (await stream.NextAsync())!.Name);
        Assert.Equal(HttpStatusCode.OK, (await asHost.GetAsync($"/waitlists/{waitlist}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await asOwner.DeleteAsync($"/restaurants/{owner.Id}/staff/{host.Id}")).StatusCode);
        await (await asHost.GetAsync($"/waitlists/{waitlist}")).AssertProblemAsync(HttpStatusCode.NotFound); // the next request
        Assert.Empty((await (await asHost.GetAsync("/users/me/restaurants")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray());
        await stream.AssertEndsAsync(app.Clock, TimeSpan.FromSeconds(5)); // within 2 s of the streams' checks
    }

    [Fact]
    public async Task The_kitchen_sees_the_board_and_acknowledges_and_customers_see_names_and_currency()
    {
        var owner = await app.NewUserAsync("owner");
        using var asOwner = owner.Client();
        await (await asOwner.PutAsJsonAsync($"/restaurants/{owner.Id}", new { name = "Osteria Euro", currency = "EUR", timeZone = "Europe/Rome" })).ReadJsonAsync(HttpStatusCode.OK);
        var dish = (string)(await (await asOwner.PostAsJsonAsync($"/restaurants/{owner.Id}/menu/items", new { name = "Risotto", price = 14m })).ReadJsonAsync(HttpStatusCode.Created))["id"]!;
        var cook = await app.NewUserAsync();
        await JoinAsync(asOwner, owner.Id, cook, "KITCHEN");
        var diner = await app.NewUserAsync();
        using var asDiner = diner.Client();
        var order = await (await asDiner.PostAsJsonAsync("/orders", new { orderId = Guid.NewGuid(), restaurantId = owner.Id, items = new[] { new { menuItemId = dish, quantity = 1 } } }))
            .ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(("EUR", "Osteria Euro", "Test customer"), ((string)order["currency"]!, (string)order["restaurantName"]!, (string)order["customerName"]!));

        using var asCook = cook.Client();
        var board = (await (await asCook.GetAsync($"/orders?restaurantId={owner.Id}")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal((string)order["orderId"]!, (string)Assert.Single(board)!["orderId"]!);
        var acknowledged = await (await asCook.PostAsync($"/orders/{order["orderId"]}/acknowledge", null)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("ACKNOWLEDGED", (string)acknowledged["status"]!);
        await (await asCook.GetAsync($"/waitlists")).AssertProblemAsync(HttpStatusCode.Forbidden); // the kitchen runs no line
        var menu = await (await asDiner.GetAsync($"/restaurants/{owner.Id}/menu")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("EUR", (string)menu["currency"]!);
    }

    [Fact]
    public async Task Promo_codes_are_given_by_email_and_shown_with_the_customers_name()
    {
        var owner = await app.NewUserAsync("owner");
        using var asOwner = owner.Client();
        var diner = await app.NewUserAsync();
        var code = await (await asOwner.PostAsJsonAsync("/promo-codes", new
        {
            ownerEmail = diner.Email.ToUpperInvariant(), discountPercentage = 10, expiresAt = app.Clock.GetUtcNow().AddDays(5), description = "by email",
        })).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal((diner.Id, "Test customer", owner.Id), ((string)code["ownerId"]!, (string)code["ownerName"]!, (string)code["restaurantId"]!));
        await (await asOwner.PostAsJsonAsync("/promo-codes", new
        {
            ownerEmail = "nobody-" + Guid.NewGuid().ToString("N") + "@example.com", discountPercentage = 10, expiresAt = app.Clock.GetUtcNow().AddDays(5), description = "x",
        })).AssertFieldErrorAsync("ownerEmail");
        await (await asOwner.PostAsJsonAsync("/promo-codes", new
        {
            ownerId = diner.Id, ownerEmail = diner.Email, discountPercentage = 10, expiresAt = app.Clock.GetUtcNow().AddDays(5), description = "both",
        })).AssertFieldErrorAsync("ownerEmail");
        var other = await app.NewUserAsync("owner");
        await (await asOwner.PostAsJsonAsync("/promo-codes", new
        {
            ownerId = diner.Id, restaurantId = other.Id, discountPercentage = 10, expiresAt = app.Clock.GetUtcNow().AddDays(5), description = "elsewhere",
        })).AssertFieldErrorAsync("restaurantId");
    }
}
