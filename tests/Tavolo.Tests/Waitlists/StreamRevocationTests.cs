using System.Net;
using System.Net.Http.Json;
using static Tavolo.Tests.Waitlists.WaitlistSteps;

namespace Tavolo.Tests.Waitlists;

/// <summary>A small per-restaurant cap, so that a test can reach it.</summary>
public sealed class RestaurantStreamCapApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:Streams:MaxPerRestaurant"] = "5",
        ["Tavolo:Streams:MaxPerUser"] = "2",
        ["Tavolo:Notifications:RunInProcess"] = "false",
    };
}

/// <summary>
/// A live stream ends within 2 s once its caller may no longer read it (API.md, waitlist stream): the session revoked
/// in any of its ways, the access token expired, the caller's access gone. Each test reads the stream's first event,
/// takes the access away, moves the clock past one check and expects the server to end the response.
/// </summary>
public sealed class StreamRevocationTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    /// <summary>
    /// The contract's 2 s is the server's: its check runs every second (on the clock these tests move) and then ends the
    /// response at once. The reads allow 3 s more of real time, for a loaded machine and the emulators' round trips.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private async Task<(TestUser Owner, HttpClient Staff, string Waitlist, EventStream Stream)> OpenLineAsync()
    {
        var owner = await app.NewUserAsync("owner");
        var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        var stream = await EventStream.OpenAsync(staff, $"/waitlists/{id}/stream");
        Assert.Equal("waitlist", (await stream.NextAsync())!.Name);
        return (owner, staff, id, stream);
    }

    private Task AssertEndsAsync(EventStream stream) => stream.AssertEndsAsync(app.Clock, Bound);

    [Fact]
    public async Task Logout_ends_the_stream_of_that_session()
    {
        var (owner, staff, _, stream) = await OpenLineAsync();
        await using (stream)
        using (staff)
        {
            using var anonymous = app.Anonymous();
            Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync("/auth/logout", new { refreshToken = owner.RefreshToken })).StatusCode);
            await AssertEndsAsync(stream);
        }
    }

    [Fact]
    public async Task Deleting_the_session_from_another_device_ends_the_stream()
    {
        var (owner, staff, id, stream) = await OpenLineAsync();
        await using (stream)
        using (staff)
        {
            var other = await app.LoginAsync(owner.Email, owner.Password);
            using var device = app.As((string)other["accessToken"]!);
            Assert.Equal(HttpStatusCode.NoContent, (await device.DeleteAsync($"/auth/sessions/{owner.Tokens["sessionId"]}")).StatusCode);
            await AddAsync(device, id, "Rossi"); // a party joins after the revocation: the stream must not carry it for long
            await AssertEndsAsync(stream);
        }
    }

    [Fact]
    public async Task A_password_change_elsewhere_ends_the_stream()
    {
        var (owner, staff, _, stream) = await OpenLineAsync();
        await using (stream)
        using (staff)
        {
            var other = await app.LoginAsync(owner.Email, owner.Password);
            using var device = app.As((string)other["accessToken"]!);
            Assert.Equal(HttpStatusCode.OK, (await device.PutAsJsonAsync($"/users/{owner.Id}",
                new { password = "a-brand-new-pass-99", currentPassword = owner.Password })).StatusCode);
            await AssertEndsAsync(stream);
        }
    }

    [Fact]
    public async Task Deleting_the_user_ends_its_streams()
    {
        var (owner, staff, _, stream) = await OpenLineAsync();
        await using (stream)
        using (staff)
        {
            var admin = await app.AdminAsync();
            using var root = admin.Client();
            Assert.Equal(HttpStatusCode.NoContent, (await root.DeleteAsync($"/users/{owner.Id}")).StatusCode);
            await AssertEndsAsync(stream);
        }
    }

    [Fact]
    public async Task The_stream_ends_when_its_access_token_expires()
    {
        var (_, staff, _, stream) = await OpenLineAsync();
        await using (stream)
        using (staff)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(14)); // one check passes: the token is still good
            Assert.Equal("keep-alive", (await stream.NextAsync(Bound))!.Comment);
            app.Clock.Advance(TimeSpan.FromMinutes(1)); // 15 minutes: the token's end, no clock skew for an open stream
            await AssertEndsAsync(stream);
        }
    }

    [Fact]
    public async Task A_check_that_passes_ends_nothing_and_the_stream_goes_on()
    {
        var (_, staff, id, stream) = await OpenLineAsync();
        await using (stream)
        using (staff)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(1)); // a check that passes sends nothing and ends nothing
            await AddAsync(staff, id, "Bianchi");
            Assert.Equal("waitee", (await stream.UntilAsync(e => e.Name == "waitee", Bound)).Name);
        }
    }

    [Fact]
    public async Task Logout_ends_the_order_stream_too()
    {
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        await using var stream = await EventStream.OpenAsync(client, "/orders/stream");
        using var anonymous = app.Anonymous();
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync("/auth/logout", new { refreshToken = customer.RefreshToken })).StatusCode);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await stream.NextAsync(Bound));
    }
}

public sealed class RestaurantStreamCapTests(RestaurantStreamCapApp app) : IClassFixture<RestaurantStreamCapApp>
{
    [Fact]
    public async Task One_restaurants_guest_links_cannot_take_more_than_its_cap_and_others_are_not_touched()
    {
        // Guest links cost nothing to make: without a cap per restaurant, one owner could hold every stream of the process.
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        using var anonymous = app.Anonymous();
        // Guests fill the restaurant's 5 only up to 3 (5 less the per-user 2): the rest stays the staff's.
        var guests = new List<EventStream>();
        try
        {
            for (var i = 0; i < 3; i++)
                guests.Add(await EventStream.OpenAsync(anonymous, $"/guest/{(await AddAsync(staff, id, "G" + i))["guestToken"]}/stream"));
            var fourth = await anonymous.GetAsync($"/guest/{(await AddAsync(staff, id, "G3"))["guestToken"]}/stream", HttpCompletionOption.ResponseHeadersRead);
            await fourth.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            await using var host = await EventStream.OpenAsync(staff, $"/waitlists/{id}/stream"); // the host stand still gets its line
            var admin = await app.AdminAsync();
            using var root = admin.Client();
            await using var watching = await EventStream.OpenAsync(root, $"/waitlists/{id}/stream"); // the restaurant is at 5
            var sixth = await staff.GetAsync($"/waitlists/{id}/stream", HttpCompletionOption.ResponseHeadersRead); // the owner's 2nd: its own cap is 2
            var problem = await sixth.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Contains("one restaurant", (string?)problem["detail"], StringComparison.Ordinal);
        }
        finally
        {
            foreach (var g in guests)
                await g.DisposeAsync();
        }

        var other = await app.NewUserAsync("owner");
        using var otherStaff = other.Client();
        var otherId = await NewWaitlistAsync(otherStaff);
        await using var elsewhere = await EventStream.OpenAsync(anonymous, $"/guest/{(await AddAsync(otherStaff, otherId, "H1"))["guestToken"]}/stream");
    }
}
