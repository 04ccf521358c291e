using System.Net;
using System.Net.Http.Json;

namespace Tavolo.Tests.Security;

/// <summary>A small per-waitlist check-in cap, so that a test can reach it.</summary>
public sealed class JoinCapApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:RateLimits:JoinsPerWaitlistPerHour"] = "3",
        ["Tavolo:Notifications:RunInProcess"] = "false",
    };
}

/// <summary>
/// Self check-in cannot be turned into "make Tavolo message anyone": a guest sets no notes, quote or notify time, a
/// waitlist takes a bounded number of check-ins an hour whatever the addresses, and a deleted owner's lines take none.
/// </summary>
public sealed class GuestJoinTests(JoinCapApp app) : IClassFixture<JoinCapApp>
{
    private async Task<(HttpClient Staff, string Id)> NewWaitlistAsync(TestUser? owner = null)
    {
        owner ??= await app.NewUserAsync("owner");
        var staff = owner.Client();
        var list = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Door" })).ReadJsonAsync(HttpStatusCode.Created);
        return (staff, (string)list["id"]!);
    }

    private static async Task<int> WaitingAsync(HttpClient staff, string id) =>
        (int)(await (await staff.GetAsync($"/waitlists/{id}")).ReadJsonAsync(HttpStatusCode.OK))["waitingCount"]!;

    [Theory]
    [InlineData("notifyInMinutes", "0", "notifyInMinutes")]
    [InlineData("notifyAt", "\"2026-01-01T00:00:00Z\"", "notifyAt")]
    [InlineData("notes", "\"VIP, comp dessert\"", "notes")]
    [InlineData("quotedWaitMinutes", "5", "quotedWaitMinutes")]
    [InlineData("NotifyInMinutes", "0", "notifyInMinutes")]
    public async Task A_guest_cannot_set_the_staffs_fields_and_nothing_is_added(string field, string value, string reported)
    {
        var (staff, id) = await NewWaitlistAsync();
        using (staff)
        {
            using var guest = app.Anonymous();
            var body = $$"""{"name":"Ann","partySize":2,"email":"victim@example.com","{{field}}":{{value}}}""";
            await (await guest.PostAsync($"/waitlists/{id}/join", HttpAssertions.Json(body))).AssertFieldErrorAsync(reported);
            Assert.Equal(0, await WaitingAsync(staff, id));
            var unknown = await guest.PostAsync($"/waitlists/{id}/join", HttpAssertions.Json("""{"name":"Ann","partySize":2,"email":"a@example.com","favouriteColour":"red"}"""));
            Assert.Equal(HttpStatusCode.Created, unknown.StatusCode); // other unknown fields are ignored, as everywhere
            var nulls = await guest.PostAsync($"/waitlists/{id}/join", HttpAssertions.Json($$"""{"name":"Bo","partySize":2,"email":"b@example.com","{{field}}":null}"""));
            Assert.Equal(HttpStatusCode.Created, nulls.StatusCode); // null sets nothing: an older generated client sends it
        }
    }

    [Fact]
    public async Task A_waitlist_takes_at_most_its_hourly_check_ins_and_then_429_while_staff_and_other_lines_go_on()
    {
        var (staff, id) = await NewWaitlistAsync();
        using (staff)
        {
            using var guest = app.Anonymous();
            for (var i = 0; i < 3; i++)
                Assert.Equal(HttpStatusCode.Created, (await guest.PostAsJsonAsync($"/waitlists/{id}/join", new { name = "G" + i, partySize = 2, phone = "+14155550123" })).StatusCode);
            var refused = await guest.PostAsJsonAsync($"/waitlists/{id}/join", new { name = "G4", partySize = 2, phone = "+14155550123" });
            await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Equal(3, await WaitingAsync(staff, id));
            Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync($"/waitlists/{id}/waitees", new { name = "Walk-in", partySize = 2, phone = "+14155550123" })).StatusCode);

            var (otherStaff, otherId) = await NewWaitlistAsync();
            using (otherStaff)
                Assert.Equal(HttpStatusCode.Created, (await guest.PostAsJsonAsync($"/waitlists/{otherId}/join", new { name = "H", partySize = 2, phone = "+14155550123" })).StatusCode);
        }
    }

    [Fact]
    public async Task A_deleted_owners_waitlist_takes_no_more_guests_and_shows_nothing()
    {
        var owner = await app.NewUserAsync("owner");
        var (staff, id) = await NewWaitlistAsync(owner);
        staff.Dispose();
        var admin = await app.AdminAsync();
        using var root = admin.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await root.DeleteAsync($"/users/{owner.Id}")).StatusCode);
        using var guest = app.Anonymous();
        await (await guest.PostAsJsonAsync($"/waitlists/{id}/join", new { name = "Late", partySize = 2, email = "late@example.com" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await guest.GetAsync($"/waitlists/{id}/public")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
