using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tavolo.Auth;
using Tavolo.Platform;
using Tavolo.Restaurants;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Waitlists;

/// <summary>
/// The live streams (Server-Sent Events): a waitlist's line for its owner, and one guest's place. Each subscribes to
/// the change feed first, then sends the current state, then re-reads the store on every change and sends what
/// differs from what it sent last. A comment line keeps the connection alive; the stream ends when the client goes,
/// when the application stops, when the staff caller's session or access ends (<see cref="StreamAccess"/>), or (the
/// guest's) after the waitee's last state. Both count against their restaurant's stream cap.
/// </summary>
public static class WaitlistStreams
{
    /// <summary>The most parties one line shows live (per status); beyond it the page pages the list.</summary>
    private const int LineLimit = 200;

    public static IEndpointRouteBuilder MapWaitlistStreams(this IEndpointRouteBuilder app)
    {
        app.MapGet("/waitlists/{id}/stream", StreamWaitlist).WithTags("Waitlists").RequireAuthorization() // membership (RunLine) is checked inside
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("The line, live: `event: waitlist`, `event: waitee` and `event: notification` as they change.");
        app.MapGet("/guest/{guestToken}/stream", StreamGuest).WithTags("Guests").AllowAnonymous()
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("The guest's place, live: `event: guest` at once and whenever it changes; ends after the waitee ends.");
        return app;
    }

    /// <summary>
    /// On Lambda a stream would be buffered by API Gateway and would see only its own instance's writes: refuse at
    /// once, so the page polls with ETag/304 (docs/deploy.md, "Live updates on AWS"). Retry-After says for how long.
    /// </summary>
    private static ProblemHttpResult? NotStreamableHere(HttpContext context, IOptions<TavoloOptions> options)
    {
        if (!options.Value.Hosting.Equals("lambda", StringComparison.OrdinalIgnoreCase))
            return null;
        context.Response.Headers.RetryAfter = "3600";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Live streams are not served here",
            detail: "This host answers polls instead: GET the resource with If-None-Match for a cheap 304.");
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> StreamWaitlist(
        string id, HttpContext context, ClaimsPrincipal caller, IWaitlistStore store, INotificationStore notifications,
        WaitlistChanges changes, StreamSlots slots, StreamAccess access, RestaurantAccess restaurants, TimeProvider clock, IOptions<TavoloOptions> options)
    {
        if (NotStreamableHere(context, options) is { } elsewhere)
            return elsewhere;
        var (waitlist, refused) = await WaitlistEndpoints.FindAsync(id, RestaurantPermission.RunLine, caller, store, restaurants, context.RequestAborted);
        if (waitlist is null)
            return refused!;
        var (slot, refusal) = slots.TryTake("user:" + caller.Id(), waitlist.RestaurantId);
        if (refusal is not null)
            return refusal;
        using (slot)
        using (var subscription = changes.Subscribe(id))
        using (var lifetime = ServerSentEvents.Lifetime(context))
        // The session and the membership are checked again every second: a removed member's stream ends within 2 s.
        using (var watch = access.Begin(context, lifetime.Token,
            cancellationToken => restaurants.AllowsAsync(caller, waitlist.RestaurantId, RestaurantPermission.RunLine, cancellationToken)))
        {
            var line = new LineStream(id, context.Response, store, notifications);
            await RunAsync(context.Response, subscription, clock, options.Value.Streams, line.SendAsync, watch.Token);
        }
        return TypedResults.Empty;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> StreamGuest(
        string guestToken, HttpContext context, IWaitlistStore store, WaitlistChanges changes, GuestLines lines, StreamSlots slots,
        TimeProvider clock, IOptions<TavoloOptions> options)
    {
        if (NotStreamableHere(context, options) is { } elsewhere)
            return elsewhere;
        if (await store.FindByGuestTokenAsync(guestToken, context.RequestAborted) is not { } waitee
            || await store.FindAsync(waitee.WaitlistId, context.RequestAborted) is not { } waitlist)
            return Problems.NotFound("No such place in line.");
        var (slot, refusal) = slots.TryTake("guest:" + guestToken, waitlist.RestaurantId, guest: true);
        if (refusal is not null)
            return refusal;
        using (slot)
        using (var subscription = changes.Subscribe(waitee.WaitlistId))
        using (var lifetime = ServerSentEvents.Lifetime(context))
        {
            byte[]? last = null;
            async Task<bool> SendAsync(IReadOnlyList<WaitlistChange> batch, bool resync, CancellationToken cancellationToken)
            {
                if (await lines.ViewAsync(waitee.WaitlistId, guestToken, cancellationToken) is not { } view)
                    return false; // gone with its waitlist
                var json = JsonSerializer.SerializeToUtf8Bytes(view, WaitlistsJson.Default.GuestView);
                if (last is null || !json.AsSpan().SequenceEqual(last))
                    await ServerSentEvents.WriteAsync(context.Response, "guest", json, cancellationToken);
                last = json;
                return WaiteeStatus.Active.Contains(view.Status);
            }
            await RunAsync(context.Response, subscription, clock, options.Value.Streams, SendAsync, lifetime.Token);
        }
        lines.Release(waitee.WaitlistId);
        return TypedResults.Empty;
    }

    /// <summary>
    /// Sends the state once, then again after every batch of changes, until <paramref name="send"/> says the stream is
    /// over or the token ends. Changes that arrive while a send is under way are read together as the next batch.
    /// </summary>
    private static async Task RunAsync(
        HttpResponse response, WaitlistSubscription subscription, TimeProvider clock, StreamOptions options,
        Func<IReadOnlyList<WaitlistChange>, bool, CancellationToken, Task<bool>> send, CancellationToken cancellationToken)
    {
        try
        {
            await ServerSentEvents.StartAsync(response, cancellationToken);
            // Each keep-alive timer is armed before the client can see what came before it (here the first state, below
            // the previous comment): the interval counts from there, and a client never moves on ahead of the timer.
            var keepAlive = TimeSpan.FromSeconds(Math.Max(1, options.KeepAliveSeconds));
            var silence = Task.Delay(keepAlive, clock, cancellationToken);
            if (!await send([], true, cancellationToken))
                return;
            Task<bool>? ready = null;
            while (true)
            {
                ready ??= subscription.Reader.WaitToReadAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(ready, silence) == silence)
                {
                    await silence; // throws when the token ended
                    silence = Task.Delay(keepAlive, clock, cancellationToken);
                    await ServerSentEvents.KeepAliveAsync(response, cancellationToken);
                    continue;
                }
                if (!await ready)
                    return;
                ready = null;
                var batch = subscription.Drain();
                if (!await send(batch, subscription.TakeDropped() > 0, cancellationToken))
                    return;
            }
        }
        // Once the stream's token has ended (client gone, access revoked, app stopping), whatever the call in flight threw
        // — a cancellation, or an SDK's I/O error for a cancelled request — ends the response cleanly, never an abort.
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the application is stopping: the response simply ends.
        }
    }

    /// <summary>A waitlist's line as its owner's stream last sent it, and how to bring the client up to date.</summary>
    private sealed class LineStream(string waitlistId, HttpResponse response, IWaitlistStore store, INotificationStore notifications)
    {
        private readonly Dictionary<string, byte[]> _waitees = new(StringComparer.Ordinal);
        private readonly Dictionary<string, byte[]> _notifications = new(StringComparer.Ordinal);
        private byte[]? _waitlist;

        public async Task<bool> SendAsync(IReadOnlyList<WaitlistChange> batch, bool resync, CancellationToken cancellationToken)
        {
            if (await store.FindAsync(waitlistId, cancellationToken) is not { } waitlist)
                return false; // deleted: the stream ends
            var active = new List<Waitee>();
            foreach (var status in WaiteeStatus.Active)
                active.AddRange(await store.ListWaiteesAsync(waitlistId, status, null, LineLimit, cancellationToken));
            var view = WaitlistView.From(waitlist, active.Count);
            await SendIfChangedAsync("waitlist", JsonSerializer.SerializeToUtf8Bytes(view, WaitlistsJson.Default.WaitlistView), cancellationToken);

            // Every active party (positions and estimates move when one ahead ends), then those that just ended.
            var perParty = await Waitees.MinutesPerPartyAsync(waitlist, store, cancellationToken);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var waitee in active.OrderBy(w => w.Position))
            {
                seen.Add(waitee.Id);
                await SendIfChangedAsync(_waitees, waitee.Id, "waitee", WaiteeView.From(waitee, waitlist, perParty), cancellationToken);
            }
            foreach (var gone in _waitees.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                _waitees.Remove(gone);
                if (await store.FindWaiteeAsync(waitlistId, gone, cancellationToken) is { } ended)
                    await SendAsync("waitee", JsonSerializer.SerializeToUtf8Bytes(WaiteeView.From(ended, waitlist, perParty), WaitlistsJson.Default.WaiteeView), cancellationToken);
            }
            // A party added and ended between two reads still reaches the host (its id came with the change).
            foreach (var change in batch.Where(c => c.Kind == WaitlistChange.WaiteeKind && c.Id is not null && !seen.Contains(c.Id)).DistinctBy(c => c.Id))
            {
                if (!_waitees.ContainsKey(change.Id!) && await store.FindWaiteeAsync(waitlistId, change.Id!, cancellationToken) is { Position: null } ended)
                    await SendAsync("waitee", JsonSerializer.SerializeToUtf8Bytes(WaiteeView.From(ended, waitlist, perParty), WaitlistsJson.Default.WaiteeView), cancellationToken);
            }

            await SendNotificationsAsync(batch, resync, cancellationToken);
            return true;
        }

        private async Task SendNotificationsAsync(IReadOnlyList<WaitlistChange> batch, bool resync, CancellationToken cancellationToken)
        {
            if (resync)
            {
                // The first send, or changes were dropped: every notification of the list, page by page.
                string? after = null;
                IReadOnlyList<Notification> page;
                do
                {
                    page = await notifications.ListAsync(waitlistId, after, 100, cancellationToken);
                    foreach (var n in page)
                        await SendIfChangedAsync(_notifications, n.Id, "notification", View(n), cancellationToken);
                    after = page.Count > 0 ? page[^1].Id : null;
                } while (page.Count == 100);
                return;
            }
            foreach (var id in batch.Where(c => c.Kind == WaitlistChange.NotificationKind && c.Id is not null).Select(c => c.Id!).Distinct())
            {
                if (await notifications.FindDeliveryAsync(id, cancellationToken) is { Notification: var n } && n.WaitlistId == waitlistId)
                    await SendIfChangedAsync(_notifications, n.Id, "notification", View(n), cancellationToken);
            }
        }

        private static NotificationView View(Notification n) =>
            new(n.Id, n.WaiteeId, n.Channel, n.To, n.Status, n.Attempts, n.LastError, n.CreatedAt, n.SentAt);

        private Task SendIfChangedAsync(Dictionary<string, byte[]> sent, string id, string eventName, WaiteeView view, CancellationToken cancellationToken) =>
            SendIfChangedAsync(sent, id, eventName, JsonSerializer.SerializeToUtf8Bytes(view, WaitlistsJson.Default.WaiteeView), cancellationToken);

        private Task SendIfChangedAsync(Dictionary<string, byte[]> sent, string id, string eventName, NotificationView view, CancellationToken cancellationToken) =>
            SendIfChangedAsync(sent, id, eventName, JsonSerializer.SerializeToUtf8Bytes(view, WaitlistsJson.Default.NotificationView), cancellationToken);

        private async Task SendIfChangedAsync(Dictionary<string, byte[]> sent, string id, string eventName, byte[] json, CancellationToken cancellationToken)
        {
            if (sent.TryGetValue(id, out var last) && json.AsSpan().SequenceEqual(last))
                return;
            sent[id] = json;
            await SendAsync(eventName, json, cancellationToken);
        }

        private async Task SendIfChangedAsync(string eventName, byte[] json, CancellationToken cancellationToken)
        {
            if (_waitlist is not null && json.AsSpan().SequenceEqual(_waitlist))
                return;
            _waitlist = json;
            await SendAsync(eventName, json, cancellationToken);
        }

        private Task SendAsync(string eventName, byte[] json, CancellationToken cancellationToken) =>
            ServerSentEvents.WriteAsync(response, eventName, json, cancellationToken);
    }
}
