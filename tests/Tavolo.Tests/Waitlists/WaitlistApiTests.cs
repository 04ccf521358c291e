using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Tavolo.Tests.Waitlists;

public sealed class WaitlistApiTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private async Task<(TestUser Owner, string WaitlistId)> NewWaitlistAsync(object? body = null)
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        var created = await (await client.PostAsJsonAsync("/waitlists", body ?? new { name = "Trattoria" })).ReadJsonAsync(HttpStatusCode.Created);
        return (owner, (string)created["id"]!);
    }

    private static async Task<JsonObject> AddAsync(HttpClient client, string waitlistId, string name = "Rossi", object? body = null) =>
        await (await client.PostAsJsonAsync($"/waitlists/{waitlistId}/waitees", body ?? new { name, partySize = 2, email = "rossi@example.com" }))
            .ReadJsonAsync(HttpStatusCode.Created);

    [Fact]
    public async Task An_owner_opens_a_waitlist_with_defaults()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        var response = await client.PostAsJsonAsync("/waitlists", new { name = "Osteria", description = "Front door" });
        var waitlist = await response.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(10, (int)waitlist["averageWaitMinutesPerParty"]!);
        Assert.True((bool)waitlist["isOpen"]!);
        Assert.Equal(0, (int)waitlist["waitingCount"]!);
        Assert.Equal(owner.Id, (string)waitlist["restaurantId"]!); // an owner's first restaurant has the owner's id
        Assert.Equal($"/waitlists/{waitlist["id"]}", response.Headers.Location?.ToString());
        var listed = await (await client.GetAsync("/waitlists")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal([(string)waitlist["id"]!], listed["items"]!.AsArray().Select(w => (string)w!["id"]!));
    }

    [Fact]
    public async Task The_list_shows_each_waitlists_own_waiting_count()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = (string)(await (await client.PostAsJsonAsync("/waitlists", new { name = "L" + i })).ReadJsonAsync(HttpStatusCode.Created))["id"]!;
            ids.Add(id);
            for (var p = 0; p < i; p++)
                await AddAsync(client, id, "P" + p);
        }
        var seated = await AddAsync(client, ids[2], "Seated");
        await client.PostAsync($"/waitlists/{ids[2]}/waitees/{seated["id"]}/seat", null); // ended parties do not count

        var page = await (await client.GetAsync("/waitlists")).ReadJsonAsync(HttpStatusCode.OK);
        var counts = page["items"]!.AsArray().ToDictionary(w => (string)w!["id"]!, w => (int)w!["waitingCount"]!);
        Assert.Equal([0, 1, 2], ids.Select(id => counts[id]));
    }

    [Fact]
    public async Task A_customer_cannot_run_waitlists()
    {
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        await (await client.PostAsJsonAsync("/waitlists", new { name = "Mine" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/waitlists")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Another_owners_waitlist_is_404_on_every_route()
    {
        var (owner, id) = await NewWaitlistAsync();
        using var ownerClient = owner.Client();
        var waitee = await AddAsync(ownerClient, id);
        var waiteeId = (string)waitee["id"]!;
        var intruder = await app.NewUserAsync("owner");
        using var client = intruder.Client();
        var routes = new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Get, $"/waitlists/{id}", null), (HttpMethod.Put, $"/waitlists/{id}", new { name = "Mine now" }),
            (HttpMethod.Delete, $"/waitlists/{id}", null), (HttpMethod.Post, $"/waitlists/{id}/waitees", new { name = "X", partySize = 1, phone = "+14155550123" }),
            (HttpMethod.Get, $"/waitlists/{id}/waitees", null), (HttpMethod.Get, $"/waitlists/{id}/waitees/{waiteeId}", null),
            (HttpMethod.Put, $"/waitlists/{id}/waitees/{waiteeId}", new { name = "X" }), (HttpMethod.Delete, $"/waitlists/{id}/waitees/{waiteeId}", null),
            (HttpMethod.Post, $"/waitlists/{id}/waitees/{waiteeId}/notify", null), (HttpMethod.Post, $"/waitlists/{id}/waitees/{waiteeId}/seat", null),
            (HttpMethod.Get, $"/waitlists/{id}/notifications", null),
        };
        foreach (var (method, path, body) in routes)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            await (await client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        var still = await (await ownerClient.GetAsync($"/waitlists/{id}/waitees/{waiteeId}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("WAITING", (string)still["status"]!);
        Assert.Equal("Rossi", (string)still["name"]!);
    }

    [Fact]
    public async Task An_admin_sees_every_waitlist()
    {
        var (_, id) = await NewWaitlistAsync();
        var admin = await app.AdminAsync();
        using var client = admin.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/waitlists/{id}")).StatusCode);
        var page = await (await client.GetAsync("/waitlists?limit=100")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Contains(page["items"]!.AsArray(), w => (string)w!["id"]! == id);
    }

    [Theory]
    [InlineData("""{}""", "name")]
    [InlineData("""{"name":"A","averageWaitMinutesPerParty":0}""", "averageWaitMinutesPerParty")]
    [InlineData("""{"name":"A","averageWaitMinutesPerParty":241}""", "averageWaitMinutesPerParty")]
    [InlineData("""{"name":"A","isOpen":"yes"}""", "isOpen")]
    [InlineData("""{"name":"A","webhookUrl":"http://example.com/hook"}""", "webhookUrl")]
    [InlineData("""{"name":"A","webhookUrl":"not a url"}""", "webhookUrl")]
    public async Task A_bad_waitlist_body_is_400(string body, string field)
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        await (await client.PostAsync("/waitlists", HttpAssertions.Json(body))).AssertFieldErrorAsync(field);
        var listed = await (await client.GetAsync("/waitlists")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Empty(listed["items"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"name":"A","partySize":0,"email":"a@example.com"}""", "partySize")]
    [InlineData("""{"name":"A","partySize":51,"email":"a@example.com"}""", "partySize")]
    [InlineData("""{"name":"A","partySize":2}""", "email")]
    [InlineData("""{"name":"A","partySize":2,"phone":"555-1234"}""", "phone")]
    [InlineData("""{"name":"A","partySize":2,"email":"nope"}""", "email")]
    [InlineData("""{"name":"A","partySize":2,"email":"a@example.com","notifyInMinutes":481}""", "notifyInMinutes")]
    [InlineData("""{"name":"A","partySize":2,"email":"a@example.com","notifyInMinutes":5,"notifyAt":"2030-01-01T00:00:00Z"}""", "notifyAt")]
    [InlineData("""{"name":"","partySize":2,"email":"a@example.com"}""", "name")]
    [InlineData("""{"name":"A","partySize":"two","email":"a@example.com"}""", "partySize")]
    public async Task A_bad_waitee_body_is_400_and_adds_nobody(string body, string field)
    {
        var (owner, id) = await NewWaitlistAsync();
        using var client = owner.Client();
        await (await client.PostAsync($"/waitlists/{id}/waitees", HttpAssertions.Json(body))).AssertFieldErrorAsync(field);
        var waitlist = await (await client.GetAsync($"/waitlists/{id}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)waitlist["waitingCount"]!);
    }

    [Fact]
    public async Task Positions_and_estimates_follow_the_line()
    {
        var (owner, id) = await NewWaitlistAsync(new { name = "Line", averageWaitMinutesPerParty = 15 });
        using var client = owner.Client();
        var a = await AddAsync(client, id, "A");
        var b = await AddAsync(client, id, "B");
        var c = await AddAsync(client, id, "C", new { name = "C", partySize = 4, phone = "+393331234567" });
        Assert.Equal([1, 2, 3], new[] { a, b, c }.Select(w => (int)w["position"]!));
        Assert.Equal([0, 15, 30], new[] { a, b, c }.Select(w => (int)w["estimatedWaitMinutes"]!));
        Assert.False(c.ContainsKey("email"));

        var removed = await (await client.DeleteAsync($"/waitlists/{id}/waitees/{a["id"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("REMOVED", (string)removed["status"]!);
        Assert.Null(removed["position"]);
        var cNow = await (await client.GetAsync($"/waitlists/{id}/waitees/{c["id"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)cNow["position"]!);
        Assert.Equal(15, (int)cNow["estimatedWaitMinutes"]!);

        var seated = await (await client.PostAsync($"/waitlists/{id}/waitees/{b["id"]}/seat", null)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("SEATED", (string)seated["status"]!);
        Assert.NotNull(seated["seatedAt"]);
        var waitlist = await (await client.GetAsync($"/waitlists/{id}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)waitlist["waitingCount"]!);
    }

    [Fact]
    public async Task The_estimate_learns_from_the_waitlists_own_history()
    {
        var (owner, id) = await NewWaitlistAsync(new { name = "Learner", averageWaitMinutesPerParty = 10 });
        using var client = owner.Client();
        var parties = new List<string>();
        for (var i = 0; i < 6; i++)
            parties.Add((string)(await AddAsync(client, id, "P" + i))["id"]!);
        Assert.Equal(60, (int)(await AddAsync(client, id, "Probe"))["estimatedWaitMinutes"]!); // 6 ahead × the configured 10

        // Five parties seated 2, 4, 6, 8, 10 minutes after joining, with 0..4 parties ahead (counted as at least 1):
        // 30 minutes over 11 parties ahead = 2.73 minutes per party.
        for (var i = 0; i < 5; i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/waitlists/{id}/waitees/{parties[i]}/seat", null)).StatusCode);
        }
        var late = await AddAsync(client, id, "Late"); // position 3: P5 and Probe ahead
        Assert.Equal(3, (int)late["position"]!);
        Assert.Equal(5, (int)late["estimatedWaitMinutes"]!); // round(2.727 × 2)
    }

    [Fact]
    public async Task Ended_waitees_cannot_change_state_again()
    {
        var (owner, id) = await NewWaitlistAsync();
        using var client = owner.Client();
        var waitee = await AddAsync(client, id);
        var path = $"/waitlists/{id}/waitees/{waitee["id"]}";
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(path + "/seat", null)).StatusCode);
        await (await client.PostAsync(path + "/seat", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await client.DeleteAsync(path)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await client.PostAsync(path + "/notify", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await client.PutAsJsonAsync(path, new { name = "Late" })).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Racing_seat_and_remove_never_both_win()
    {
        var (owner, id) = await NewWaitlistAsync();
        using var client = owner.Client();
        for (var round = 0; round < 5; round++)
        {
            var waitee = await AddAsync(client, id);
            var path = $"/waitlists/{id}/waitees/{waitee["id"]}";
            var results = await Task.WhenAll(client.PostAsync(path + "/seat", null), client.DeleteAsync(path), client.PostAsync(path + "/seat", null));
            Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(2, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        }
    }

    [Fact]
    public async Task Staff_edit_a_waiting_party()
    {
        var (owner, id) = await NewWaitlistAsync();
        using var client = owner.Client();
        var waitee = await AddAsync(client, id);
        var edited = await (await client.PutAsJsonAsync($"/waitlists/{id}/waitees/{waitee["id"]}", new { partySize = 5, notes = "High chair" }))
            .ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(5, (int)edited["partySize"]!);
        Assert.Equal("High chair", (string)edited["notes"]!);
        Assert.Equal("Rossi", (string)edited["name"]!);
        await (await client.PutAsJsonAsync($"/waitlists/{id}/waitees/{waitee["id"]}", new { partySize = 99 })).AssertFieldErrorAsync("partySize");
    }

    [Fact]
    public async Task The_line_pages_in_queue_order_and_filters_by_status()
    {
        var (owner, id) = await NewWaitlistAsync();
        using var client = owner.Client();
        var added = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            added.Add((string)(await AddAsync(client, id, "P" + i))["id"]!);
            app.Clock.Advance(TimeSpan.FromMilliseconds(10)); // queue order is join time, then id: parties joined in one tick may swap
        }
        await client.PostAsync($"/waitlists/{id}/waitees/{added[1]}/seat", null);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync($"/waitlists/{id}/waitees?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))))
                .ReadJsonAsync(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(w => (string)w!["id"]!));
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null);
        Assert.Equal(added, seen);

        var waiting = await (await client.GetAsync($"/waitlists/{id}/waitees?status=WAITING")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(4, waiting["items"]!.AsArray().Count);
        Assert.Equal([1, 2, 3, 4], waiting["items"]!.AsArray().Select(w => (int)w!["position"]!));
        await (await client.GetAsync($"/waitlists/{id}/waitees?status=DANCING")).AssertFieldErrorAsync("status");
        await (await client.GetAsync($"/waitlists/{id}/waitees?cursor=abc.def")).AssertFieldErrorAsync("cursor");
    }

    [Fact]
    public async Task Guests_check_in_see_their_place_without_contact_details_and_leave()
    {
        var (owner, id) = await NewWaitlistAsync();
        using var staff = owner.Client();
        await AddAsync(staff, id, "Ahead");
        using var guest = app.Anonymous();
        var joined = await (await guest.PostAsJsonAsync($"/waitlists/{id}/join", new { name = "Guest", partySize = 3, phone = "+14155550123" }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var token = (string)joined["guestToken"]!;
        Assert.True(token.Length >= 22); // at least 128 bits in base64url

        var view = await (await guest.GetAsync($"/guest/{token}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Trattoria", (string)view["waitlistName"]!);
        Assert.Equal(2, (int)view["position"]!);
        Assert.Equal(10, (int)view["estimatedWaitMinutes"]!);
        Assert.Equal(
            ["waitlistName", "restaurantName", "name", "partySize", "status", "position", "estimatedWaitMinutes", "quotedWaitMinutes", "joinedAt"],
            view.Select(p => p.Key));

        var left = await (await guest.DeleteAsync($"/guest/{token}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("LEFT", (string)left["status"]!);
        await (await guest.DeleteAsync($"/guest/{token}")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await guest.GetAsync("/guest/not-a-real-token")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_closed_waitlist_refuses_parties_and_unknown_waitlists_are_404()
    {
        var (owner, id) = await NewWaitlistAsync();
        using var staff = owner.Client();
        var closed = await (await staff.PutAsJsonAsync($"/waitlists/{id}", new { name = "Trattoria", isOpen = false })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.False((bool)closed["isOpen"]!);
        using var guest = app.Anonymous();
        await (await guest.PostAsJsonAsync($"/waitlists/{id}/join", new { name = "G", partySize = 2, email = "g@example.com" })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await staff.PostAsJsonAsync($"/waitlists/{id}/waitees", new { name = "G", partySize = 2, email = "g@example.com" })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await guest.PostAsJsonAsync("/waitlists/nope/join", new { name = "G", partySize = 2, email = "g@example.com" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await guest.PostAsJsonAsync($"/waitlists/{id}/join", new { name = "G", partySize = 0 })).AssertFieldErrorAsync("partySize");
    }

    [Fact]
    public async Task Deleting_a_waitlist_takes_its_waitees_with_it()
    {
        var (owner, id) = await NewWaitlistAsync();
        using var staff = owner.Client();
        var waitee = await AddAsync(staff, id);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.DeleteAsync($"/waitlists/{id}")).StatusCode);
        await (await staff.GetAsync($"/waitlists/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var guest = app.Anonymous();
        await (await guest.GetAsync($"/guest/{waitee["guestToken"]}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Notify_queues_at_once_and_the_outbox_marks_it_sent_without_channels()
    {
        var (owner, id) = await NewWaitlistAsync();
        using var staff = owner.Client();
        var waitee = await AddAsync(staff, id);
        var response = await staff.PostAsync($"/waitlists/{id}/waitees/{waitee["id"]}/notify", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var current = await Eventually.ReadAsync(
            async () => await (await staff.GetAsync($"/waitlists/{id}/waitees/{waitee["id"]}")).ReadJsonAsync(HttpStatusCode.OK),
            w => (string?)w["status"] == "NOTIFIED", TimeSpan.FromSeconds(10));
        Assert.Equal(0, (int)current["estimatedWaitMinutes"]!);
        var notifications = await (await staff.GetAsync($"/waitlists/{id}/notifications")).ReadJsonAsync(HttpStatusCode.OK);
        var only = Assert.Single(notifications["items"]!.AsArray())!;
        Assert.Equal("outbox", (string)only["channel"]!);
        Assert.Equal("SENT", (string)only["status"]!);
        Assert.Equal("rossi@example.com", (string)only["to"]!);
        await (await staff.PostAsync($"/waitlists/{id}/waitees/{waitee["id"]}/notify", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }
}
