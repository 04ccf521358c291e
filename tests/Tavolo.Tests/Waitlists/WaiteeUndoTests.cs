using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Tavolo.Tests.Waitlists;

/// <summary>What a host needs for a real evening: a quoted wait per party, no-shows, and undo (restore) within 10 minutes.</summary>
public sealed class WaiteeUndoTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private async Task<(HttpClient Staff, string WaitlistId, string RestaurantId)> NewWaitlistAsync(int minutesPerParty = 15)
    {
        var owner = await app.NewUserAsync("owner");
        var staff = owner.Client();
        var created = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Trattoria", averageWaitMinutesPerParty = minutesPerParty }))
            .ReadJsonAsync(HttpStatusCode.Created);
        return (staff, (string)created["id"]!, (string)created["restaurantId"]!);
    }

    private static async Task<JsonObject> AddAsync(HttpClient staff, string waitlistId, string name, int? quote = null) =>
        await (await staff.PostAsJsonAsync($"/waitlists/{waitlistId}/waitees", new { name, partySize = 2, email = "p@example.com", quotedWaitMinutes = quote }))
            .ReadJsonAsync(HttpStatusCode.Created);

    private static async Task<JsonObject> PostAsync(HttpClient staff, string waitlistId, JsonObject waitee, string action) =>
        await (await staff.PostAsync($"/waitlists/{waitlistId}/waitees/{waitee["id"]}/{action}", null)).ReadJsonAsync(HttpStatusCode.OK);

    private static async Task<JsonObject> GetAsync(HttpClient staff, string waitlistId, JsonObject waitee) =>
        await (await staff.GetAsync($"/waitlists/{waitlistId}/waitees/{waitee["id"]}")).ReadJsonAsync(HttpStatusCode.OK);

    private static async Task<JsonObject> NotifiedAsync(HttpClient staff, string waitlistId, JsonObject waitee)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await staff.PostAsync($"/waitlists/{waitlistId}/waitees/{waitee["id"]}/notify", null)).StatusCode);
        return await Eventually.ReadAsync(() => GetAsync(staff, waitlistId, waitee), w => (string?)w["status"] == "NOTIFIED", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_quote_defaults_to_the_estimate_when_added_stays_put_and_staff_edit_it()
    {
        var (staff, id, restaurantId) = await NewWaitlistAsync(minutesPerParty: 15);
        using var _1 = staff;
        var a = await AddAsync(staff, id, "A");
        var b = await AddAsync(staff, id, "B");
        var c = await AddAsync(staff, id, "C", quote: 40);
        Assert.Equal([0, 15, 40], new[] { a, b, c }.Select(w => (int)w["quotedWaitMinutes"]!));
        Assert.Equal([0, 15, 30], new[] { a, b, c }.Select(w => (int)w["estimatedWaitMinutes"]!));
        Assert.All(new[] { a, b, c }, w => Assert.Equal(restaurantId, (string)w["restaurantId"]!));

        await PostAsync(staff, id, a, "seat");
        var bNow = await GetAsync(staff, id, b);
        Assert.Equal((0, 15), ((int)bNow["estimatedWaitMinutes"]!, (int)bNow["quotedWaitMinutes"]!)); // the quote is what was said

        var path = $"/waitlists/{id}/waitees/{b["id"]}";
        Assert.Equal(25, (int)(await (await staff.PutAsJsonAsync(path, new { quotedWaitMinutes = 25 })).ReadJsonAsync(HttpStatusCode.OK))["quotedWaitMinutes"]!);
        Assert.Equal(25, (int)(await (await staff.PutAsJsonAsync(path, new { notes = "window" })).ReadJsonAsync(HttpStatusCode.OK))["quotedWaitMinutes"]!);
        await (await staff.PutAsJsonAsync(path, new { quotedWaitMinutes = 481 })).AssertFieldErrorAsync("quotedWaitMinutes");
        await (await staff.PutAsJsonAsync(path, new { quotedWaitMinutes = -1 })).AssertFieldErrorAsync("quotedWaitMinutes");
        Assert.Equal(480, (int)(await AddAsync(staff, id, "Longest", quote: 480))["quotedWaitMinutes"]!);

        // A guest joining gets the estimate of its place (B, C and Longest ahead): never a quote of its own.
        using var guest = app.Anonymous();
        var joined = await (await guest.PostAsJsonAsync($"/waitlists/{id}/join", new { name = "G", partySize = 2, phone = "+14155550123" }))
            .ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal((45, 45), ((int)joined["quotedWaitMinutes"]!, (int)joined["estimatedWaitMinutes"]!));
        await (await guest.PostAsJsonAsync($"/waitlists/{id}/join", new { name = "G", partySize = 2, phone = "+14155550123", quotedWaitMinutes = 0 }))
            .AssertFieldErrorAsync("quotedWaitMinutes");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(481)]
    public async Task A_quote_out_of_range_is_400_and_adds_nobody(int quote)
    {
        var (staff, id, _) = await NewWaitlistAsync();
        using var _1 = staff;
        await (await staff.PostAsJsonAsync($"/waitlists/{id}/waitees", new { name = "A", partySize = 2, email = "a@example.com", quotedWaitMinutes = quote }))
            .AssertFieldErrorAsync("quotedWaitMinutes");
        Assert.Equal(0, (int)(await (await staff.GetAsync($"/waitlists/{id}")).ReadJsonAsync(HttpStatusCode.OK))["waitingCount"]!);
    }

    [Fact]
    public async Task The_guest_sees_its_restaurant_and_its_quote()
    {
        var (staff, id, restaurantId) = await NewWaitlistAsync(minutesPerParty: 12);
        using var _1 = staff;
        await AddAsync(staff, id, "Ahead");
        var waitee = await AddAsync(staff, id, "Quoted", quote: 20);
        var restaurant = await (await staff.GetAsync($"/restaurants/{restaurantId}")).ReadJsonAsync(HttpStatusCode.OK);
        using var guest = app.Anonymous();
        var view = await (await guest.GetAsync($"/guest/{waitee["guestToken"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(
            ["waitlistName", "restaurantName", "name", "partySize", "status", "position", "estimatedWaitMinutes", "quotedWaitMinutes", "joinedAt"],
            view.Select(p => p.Key));
        Assert.Equal((string)restaurant["name"]!, (string)view["restaurantName"]!);
        Assert.Equal((20, 12), ((int)view["quotedWaitMinutes"]!, (int)view["estimatedWaitMinutes"]!));
    }

    [Fact]
    public async Task A_no_show_is_only_for_a_notified_party_and_is_undone_back_to_notified()
    {
        var (staff, id, _) = await NewWaitlistAsync();
        using var _1 = staff;
        var party = await AddAsync(staff, id, "Told");
        var behind = await AddAsync(staff, id, "Behind");
        await (await staff.PostAsync($"/waitlists/{id}/waitees/{behind["id"]}/no-show", null)).AssertProblemAsync(HttpStatusCode.Conflict); // WAITING

        var told = await NotifiedAsync(staff, id, party);
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        var noShow = await PostAsync(staff, id, party, "no-show");
        Assert.Equal("NO_SHOW", (string)noShow["status"]!);
        Assert.Null(noShow["position"]);
        Assert.True(noShow.ContainsKey("endedAt"));
        Assert.True((int)noShow["waitedMinutes"]! >= 3);
        Assert.Equal(1, (int)(await GetAsync(staff, id, behind))["position"]!);
        Assert.Contains((await (await staff.GetAsync($"/waitlists/{id}/waitees?status=NO_SHOW")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray(),
            w => (string)w!["id"]! == (string)party["id"]!);
        await (await staff.PostAsync($"/waitlists/{id}/waitees/{party["id"]}/no-show", null)).AssertProblemAsync(HttpStatusCode.Conflict);

        var back = await PostAsync(staff, id, party, "restore");
        Assert.Equal(("NOTIFIED", 1, 0), ((string)back["status"]!, (int)back["position"]!, (int)back["estimatedWaitMinutes"]!));
        Assert.Equal((string)told["notifiedAt"]!, (string)back["notifiedAt"]!);
        Assert.False(back.ContainsKey("endedAt"));
        Assert.False(back.ContainsKey("waitedMinutes"));
        Assert.Equal(2, (int)(await GetAsync(staff, id, behind))["position"]!);
    }

    [Fact]
    public async Task A_seat_or_a_removal_is_undone_back_to_waiting_at_the_old_place()
    {
        var (staff, id, _) = await NewWaitlistAsync(minutesPerParty: 10);
        using var _1 = staff;
        var first = await AddAsync(staff, id, "First");
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await AddAsync(staff, id, "Second");
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await AddAsync(staff, id, "Third");

        app.Clock.Advance(TimeSpan.FromMinutes(7.5));
        var seated = await PostAsync(staff, id, second, "seat");
        Assert.Equal(7, (int)seated["waitedMinutes"]!);
        Assert.Equal((string)seated["seatedAt"]!, (string)seated["endedAt"]!);
        Assert.Equal(2, (int)(await GetAsync(staff, id, third))["position"]!);

        var unseated = await PostAsync(staff, id, second, "restore");
        Assert.Equal(("WAITING", 2, 10), ((string)unseated["status"]!, (int)unseated["position"]!, (int)unseated["estimatedWaitMinutes"]!));
        Assert.False(unseated.ContainsKey("seatedAt"));
        Assert.False(unseated.ContainsKey("endedAt"));
        Assert.Equal(3, (int)(await GetAsync(staff, id, third))["position"]!);
        await (await staff.PostAsync($"/waitlists/{id}/waitees/{second["id"]}/restore", null)).AssertProblemAsync(HttpStatusCode.Conflict); // in line

        var removed = await (await staff.DeleteAsync($"/waitlists/{id}/waitees/{first["id"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(7, (int)removed["waitedMinutes"]!);
        Assert.False(removed.ContainsKey("seatedAt"));
        var restored = await PostAsync(staff, id, first, "restore");
        Assert.Equal(("WAITING", 1), ((string)restored["status"]!, (int)restored["position"]!));
        var line = await (await staff.GetAsync($"/waitlists/{id}/waitees")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(["First", "Second", "Third"], line["items"]!.AsArray().Select(w => (string)w!["name"]!));
        Assert.Equal([1, 2, 3], line["items"]!.AsArray().Select(w => (int)w!["position"]!));
    }

    [Fact]
    public async Task Undo_lasts_ten_minutes()
    {
        var (staff, id, _) = await NewWaitlistAsync();
        using var _1 = staff;
        var early = await AddAsync(staff, id, "Early");
        var late = await AddAsync(staff, id, "Late");
        await PostAsync(staff, id, early, "seat");
        await PostAsync(staff, id, late, "seat");
        app.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal("WAITING", (string)(await PostAsync(staff, id, early, "restore"))["status"]!);

        app.Clock.Advance(TimeSpan.FromSeconds(2)); // 10:01 after the seat (and within the access token's 15 minutes)
        await (await staff.PostAsync($"/waitlists/{id}/waitees/{late["id"]}/restore", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("SEATED", (string)(await GetAsync(staff, id, late))["status"]!);
    }

    [Fact]
    public async Task A_guests_own_leaving_and_a_party_in_line_are_not_undone()
    {
        var (staff, id, _) = await NewWaitlistAsync();
        using var _1 = staff;
        var party = await AddAsync(staff, id, "Leaver");
        await (await staff.PostAsync($"/waitlists/{id}/waitees/{party["id"]}/restore", null)).AssertProblemAsync(HttpStatusCode.Conflict); // WAITING
        using var guest = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await guest.DeleteAsync($"/guest/{party["guestToken"]}")).StatusCode);
        await (await staff.PostAsync($"/waitlists/{id}/waitees/{party["id"]}/restore", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("LEFT", (string)(await GetAsync(staff, id, party))["status"]!);
        await (await staff.PostAsync($"/waitlists/{id}/waitees/no-such-waitee/restore", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await staff.PostAsync($"/waitlists/{id}/waitees/no-such-waitee/no-show", null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Of_racing_restores_one_wins()
    {
        var (staff, id, _) = await NewWaitlistAsync();
        using var _1 = staff;
        var party = await AddAsync(staff, id, "Party");
        await PostAsync(staff, id, party, "seat");
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => staff.PostAsync($"/waitlists/{id}/waitees/{party["id"]}/restore", null)));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }
}
