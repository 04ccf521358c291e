using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tavolo.Waitlists;
using static Tavolo.Tests.Waitlists.WaitlistSteps;

namespace Tavolo.Tests.Waitlists;

/// <summary>Small stream caps, so that the tests can reach them.</summary>
public sealed class StreamApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:Streams:MaxPerUser"] = "2",
        ["Tavolo:Streams:MaxTotal"] = "4",
        ["Tavolo:Notifications:RunInProcess"] = "false",
    };
}

public sealed class StreamTests(StreamApp app) : IClassFixture<StreamApp>
{
    [Fact]
    public async Task The_guest_stream_sends_the_place_at_once_follows_it_and_ends_after_the_waitee_ends()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        var ahead = await AddAsync(staff, id, "Rossi");
        var guest = await AddAsync(staff, id, "Verdi");
        using var anonymous = app.Anonymous();
        await using var stream = await EventStream.OpenAsync(anonymous, $"/guest/{guest["guestToken"]}/stream");

        var first = await stream.NextAsync();
        Assert.Equal("guest", first!.Name);
        Assert.Equal(2, (int)first.Data!["position"]!);
        Assert.Equal("Da Mario", (string)first.Data["waitlistName"]!);
        Assert.False(first.Data.ContainsKey("phone")); // the guest's view: no contact details

        await SeatAsync(staff, id, ahead);
        var moved = await stream.NextAsync();
        Assert.Equal(1, (int)moved!.Data!["position"]!);
        Assert.Equal(0, (int)moved.Data["estimatedWaitMinutes"]!);

        await SeatAsync(staff, id, guest);
        var seated = await stream.NextAsync();
        Assert.Equal("SEATED", (string)seated!.Data!["status"]!);
        Assert.Null(await stream.NextAsync()); // ended by the server
    }

    [Fact]
    public async Task The_owner_stream_sends_the_line_then_every_party_that_joins_changes_or_ends()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        var rossi = await AddAsync(staff, id, "Rossi");
        await using var stream = await EventStream.OpenAsync(staff, $"/waitlists/{id}/stream");

        var waitlist = await stream.NextAsync();
        Assert.Equal("waitlist", waitlist!.Name);
        Assert.Equal(1, (int)waitlist.Data!["waitingCount"]!);
        Assert.Equal("Rossi", (string)(await stream.NextAsync())!.Data!["name"]!);

        // A guest checks in (the public route, no staff involved): the host sees it.
        using var anonymous = app.Anonymous();
        var joined = await (await anonymous.PostAsJsonAsync($"/waitlists/{id}/join", new { name = "Verdi", partySize = 3, email = "v@example.com" }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var verdi = await stream.UntilAsync(e => e.Name == "waitee");
        Assert.Equal((string)joined["id"]!, (string)verdi.Data!["id"]!);
        Assert.Equal(2, (int)verdi.Data["position"]!);

        // Rossi is seated: its end reaches the host, and Verdi moves up.
        await SeatAsync(staff, id, rossi);
        var seen = new List<StreamEvent>();
        while (seen.Count(e => e.Name == "waitee") < 2)
            seen.Add((await stream.NextAsync())!);
        Assert.Contains(seen, e => e.Name == "waitee" && (string)e.Data!["name"]! == "Rossi" && (string)e.Data["status"]! == "SEATED");
        Assert.Contains(seen, e => e.Name == "waitee" && (string)e.Data!["name"]! == "Verdi" && (int)e.Data["position"]! == 1);

        // Closing the waitlist is a waitlist event.
        await (await staff.PutAsJsonAsync($"/waitlists/{id}", new { name = "Da Mario", isOpen = false })).ReadJsonAsync(HttpStatusCode.OK);
        var closed = await stream.UntilAsync(e => e.Name == "waitlist");
        Assert.False((bool)closed.Data!["isOpen"]!);
    }

    [Fact]
    public async Task A_silent_stream_gets_a_keep_alive_comment_every_15_seconds()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        await using var stream = await EventStream.OpenAsync(staff, $"/waitlists/{id}/stream");
        Assert.Equal("waitlist", (await stream.NextAsync())!.Name);

        var next = stream.NextAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(200); // nothing comes before the clock moves
        Assert.False(next.IsCompleted);
        app.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("keep-alive", (await next)!.Comment);
        app.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("keep-alive", (await stream.NextAsync())!.Comment);
    }

    [Fact]
    public async Task Streams_of_someone_elses_waitlist_are_404_and_without_a_token_401()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        var stranger = await app.NewUserAsync("owner");
        using var other = stranger.Client();
        await (await other.GetAsync($"/waitlists/{id}/stream")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var anonymous = app.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/waitlists/{id}/stream")).StatusCode);
        var customer = await app.NewUserAsync("customer");
        using var customerClient = customer.Client();
        await (await customerClient.GetAsync($"/waitlists/{id}/stream")).AssertProblemAsync(HttpStatusCode.NotFound); // a stranger to the restaurant
        await (await anonymous.GetAsync("/guest/not-a-token/stream")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task One_user_over_its_stream_cap_gets_429_and_the_process_over_its_cap_gets_503()
    {
        // This class's tests run one at a time; the caps are 2 per user, 4 in total. Earlier tests' streams are gone first.
        var slots = app.Services.GetRequiredService<Tavolo.Platform.StreamSlots>();
        for (var i = 0; i < 100 && slots.Open > 0; i++)
            await Task.Delay(50);
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        await using var one = await EventStream.OpenAsync(staff, $"/waitlists/{id}/stream");
        await using var two = await EventStream.OpenAsync(staff, $"/waitlists/{id}/stream");
        var third = await staff.GetAsync($"/waitlists/{id}/stream", HttpCompletionOption.ResponseHeadersRead);
        await third.AssertProblemAsync(HttpStatusCode.TooManyRequests);

        var guests = new List<EventStream>();
        try
        {
            using var anonymous = app.Anonymous();
            for (var i = 0; i < 2; i++)
                guests.Add(await EventStream.OpenAsync(anonymous, $"/guest/{(await AddAsync(staff, id, "G" + i))["guestToken"]}/stream"));
            var fifth = await anonymous.GetAsync($"/guest/{(await AddAsync(staff, id, "G9"))["guestToken"]}/stream", HttpCompletionOption.ResponseHeadersRead);
            await fifth.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            foreach (var guest in guests)
                await guest.DisposeAsync();
        }

        // A closed stream gives its slot back.
        await one.DisposeAsync();
        for (var i = 0; i < 100 && slots.Open > 1; i++)
            await Task.Delay(50);
        await using var again = await EventStream.OpenAsync(staff, $"/waitlists/{id}/stream");
    }

    [Fact]
    public void A_subscriber_that_does_not_read_holds_at_most_its_buffer_and_learns_it_missed_changes()
    {
        var feed = new WaitlistChanges();
        using var slow = feed.Subscribe("w1");
        using var other = feed.Subscribe("w2");
        for (var i = 0; i < 10_000; i++)
            feed.Publish("w1", WaitlistChange.WaiteeKind, "x" + i);
        Assert.Equal(WaitlistChanges.BufferCapacity, slow.Pending);
        Assert.Equal(10_000 - WaitlistChanges.BufferCapacity, slow.TakeDropped());
        Assert.Equal(0, slow.TakeDropped());
        Assert.Equal("x9999", slow.Drain()[^1].Id); // the newest are kept
        Assert.Equal(0, other.Pending);               // other waitlists hear nothing
        slow.Dispose();
        Assert.Equal(1, feed.Count);
    }
}

/// <summary>Shutdown ends every open stream, so that none holds the host's graceful stop open.</summary>
public sealed class StreamShutdownTests
{
    [Fact]
    public async Task Stopping_the_application_ends_open_streams()
    {
        using var app = new TavoloApp();
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        var guest = await AddAsync(staff, id, "Verdi");
        using var anonymous = app.Anonymous();
        await using var place = await EventStream.OpenAsync(anonymous, $"/guest/{guest["guestToken"]}/stream");
        await using var line = await EventStream.OpenAsync(staff, $"/waitlists/{id}/stream");
        Assert.Equal("guest", (await place.NextAsync())!.Name);
        await line.NextAsync();

        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        // Both end cleanly (the chunked body's last chunk), well within the host's shutdown timeout.
        while (await place.NextAsync(TimeSpan.FromSeconds(10)) is not null) { }
        while (await line.NextAsync(TimeSpan.FromSeconds(10)) is not null) { }
    }
}

/// <summary>The app on the real clock with its notification loops running, as in production.</summary>
public sealed class LiveStreamApp : TavoloApp
{
    protected override bool UseFakeClock => false;
}

public sealed class StreamNotificationTests(LiveStreamApp app) : IClassFixture<LiveStreamApp>
{
    [Fact]
    public async Task Notify_reaches_the_host_as_a_queued_then_sent_notification_and_the_guest_as_table_ready()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        var guest = await AddAsync(staff, id, "Verdi");
        await using var line = await EventStream.OpenAsync(staff, $"/waitlists/{id}/stream");
        using var anonymous = app.Anonymous();
        await using var place = await EventStream.OpenAsync(anonymous, $"/guest/{guest["guestToken"]}/stream");
        await line.UntilAsync(e => e.Name == "waitee");
        await place.NextAsync();

        Assert.Equal(HttpStatusCode.Accepted, (await staff.PostAsync($"/waitlists/{id}/waitees/{guest["id"]}/notify", null)).StatusCode);
        // The host's line hears the notification (QUEUED, or already SENT: each event carries it as stored when the stream
        // read it, and the in-process consumer is quick), then SENT and the party NOTIFIED, in either order.
        bool Sent(StreamEvent e) => e.Name == "notification" && (string)e.Data!["status"]! == "SENT" && (string)e.Data["waiteeId"]! == (string)guest["id"]!;
        bool Notified(StreamEvent e) => e.Name == "waitee" && (string)e.Data!["status"]! == "NOTIFIED";
        var seen = new List<StreamEvent>();
        while (!(seen.Any(Sent) && seen.Any(Notified)))
            seen.Add(await line.UntilAsync(e => e.Name is "notification" or "waitee", TimeSpan.FromSeconds(30)));
        var first = seen.First(e => e.Name == "notification");
        Assert.Contains((string)first.Data!["status"]!, new[] { "QUEUED", "SENT" });

        // The consumer runs in this process, on its own loop: what it writes reaches both streams.
        var ready = await place.UntilAsync(e => (string)e.Data!["status"]! == "NOTIFIED");
        Assert.Equal(0, (int)ready.Data!["estimatedWaitMinutes"]!);
    }
}

/// <summary>Hosted on Lambda: settings as the template sets them.</summary>
public sealed class LambdaStreamApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Tavolo:Hosting"] = "lambda" };
}

public sealed class LambdaStreamTests(LambdaStreamApp app) : IClassFixture<LambdaStreamApp>
{
    [Fact]
    public async Task On_lambda_the_streams_refuse_at_once_so_the_page_polls()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        var guest = await AddAsync(staff, id, "Verdi");
        using var anonymous = app.Anonymous();
        foreach (var (client, path) in new[] { (anonymous, $"/guest/{guest["guestToken"]}/stream"), (staff, $"/waitlists/{id}/stream") })
        {
            var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromHours(1), response.Headers.RetryAfter?.Delta);
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/guest/{guest["guestToken"]}")).StatusCode); // the poll works
    }
}
