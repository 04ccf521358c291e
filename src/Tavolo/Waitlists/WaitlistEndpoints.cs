using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tavolo.Auth;
using Tavolo.Platform;
using Tavolo.Restaurants;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Waitlists;

/// <summary>The staff side: a restaurant's waitlists and the parties on them, run by its members (<see cref="RestaurantPermissions"/>; admins everything).</summary>
public static class WaitlistEndpoints
{
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder app)
    {
        var lists = app.MapGroup("/waitlists").WithTags("Waitlists").RequireAuthorization().WithValidation()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        lists.MapPost("/", Create).WithSummary("Open a waitlist.");
        lists.MapGet("/", List).WithSummary("The caller's waitlists (admin: all).");
        lists.MapGet("/{id}", Get).WithSummary("A waitlist with its waiting count.");
        lists.MapPut("/{id}", Update).WithSummary("Rename, describe, open or close a waitlist; set its webhook.");
        lists.MapDelete("/{id}", Delete).WithSummary("Delete a waitlist with its waitees.");

        lists.MapPost("/{id}/waitees", AddWaitee).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Add a party to the line.");
        lists.MapGet("/{id}/waitees", ListWaitees).AddEndpointFilter(ETags.Filter).WithSummary("The line, in queue order.");
        lists.MapGet("/{id}/waitees/{waiteeId}", GetWaitee).WithSummary("One party with its position and estimated wait.");
        lists.MapPut("/{id}/waitees/{waiteeId}", UpdateWaitee).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Edit a waiting party.");
        lists.MapDelete("/{id}/waitees/{waiteeId}", RemoveWaitee).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Take a party off the line (REMOVED).");
        lists.MapPost("/{id}/waitees/{waiteeId}/notify", Notify).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Tell the party its table is ready, now.");
        lists.MapPost("/{id}/waitees/{waiteeId}/seat", Seat).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Mark the party seated.");
        lists.MapPost("/{id}/waitees/{waiteeId}/no-show", NoShow).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("The party was told its table is ready and never came (NO_SHOW); only from NOTIFIED.");
        lists.MapPost("/{id}/waitees/{waiteeId}/restore", Restore).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Undo a seat, removal or no-show within 10 minutes: back to its old status and place.");
        lists.MapGet("/{id}/notifications", ListNotifications).WithSummary("What was sent, with attempts and errors.");
        return app;
    }

    private static async Task<Results<Created<WaitlistView>, ValidationProblem, ProblemHttpResult>> Create(
        WaitlistRequest request, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, IOptions<NotificationOptions> options,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (InsecureWebhook(request.WebhookUrl, options) is { } refusal)
            return refusal;
        var (restaurantId, refused) = await access.ChooseAsync(caller, request.RestaurantId, RestaurantPermission.ManageWaitlists, cancellationToken);
        if (refused is not null)
            return refused switch { ValidationProblem v => v, ProblemHttpResult p => p, _ => throw new InvalidOperationException() };
        var now = clock.GetUtcNow().UtcDateTime;
        var waitlist = new Waitlist(Ids.New(), restaurantId!, request.Name!.Trim(), request.Description?.Trim(), request.AverageWaitMinutesPerParty ?? 10,
            request.IsOpen ?? true, request.WebhookUrl, NewSecret(), now, now);
        await store.CreateAsync(waitlist, cancellationToken);
        return TypedResults.Created($"/waitlists/{waitlist.Id}", WaitlistView.From(waitlist, 0));
    }

    private static async Task<Results<Ok<Page<WaitlistView>>, ValidationProblem, ProblemHttpResult>> List(
        [AsParameters] WaitlistsQuery query, ClaimsPrincipal caller, IWaitlistStore store, IRestaurantStore restaurants, RestaurantAccess access,
        Cursors cursors, CancellationToken cancellationToken)
    {
        List<string>? scopeIds;
        if (query.RestaurantId is { } one)
        {
            var allowed = await access.CheckAsync(caller, one, RestaurantPermission.RunLine, cancellationToken);
            if (!allowed.Allowed)
                return allowed.Refusal("No such restaurant.");
            scopeIds = [one];
        }
        else if (caller.IsAdmin())
            scopeIds = null;
        else
        {
            scopeIds = (await restaurants.ListMembershipsAsync(caller.Id(), cancellationToken))
                .Where(m => RestaurantPermissions.Allows(m.Role, RestaurantPermission.RunLine)).Select(m => m.RestaurantId).ToList();
            if (scopeIds.Count == 0)
                return Problems.Forbidden("You run no restaurant's line: waitlists are for a restaurant's OWNER, MANAGER and HOST.");
        }
        var scope = "waitlists|" + (scopeIds is null ? "*" : string.Join(',', scopeIds));
        if (!cursors.TryAfter(scope, query.Cursor, out var after))
            return Paging.InvalidCursor();
        var limit = PageLimit.Parse(query.Limit);
        var rows = scopeIds is { Count: 0 } ? [] : await store.ListAsync(scopeIds, after, limit + 1, cancellationToken);
        var counts = await store.CountActiveAsync(rows.Take(limit).Select(w => w.Id).ToList(), cancellationToken);
        return TypedResults.Ok(cursors.ToPage(scope, rows, limit, w => WaitlistView.From(w, counts.GetValueOrDefault(w.Id)), w => w.Id));
    }

    private static async Task<Results<Ok<WaitlistView>, ProblemHttpResult>> Get(
        string id, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, CancellationToken cancellationToken)
    {
        var (waitlist, refusal) = await FindAsync(id, RestaurantPermission.RunLine, caller, store, access, cancellationToken);
        return waitlist is null ? refusal! : TypedResults.Ok(await ViewAsync(waitlist, store, cancellationToken));
    }

    /// <summary>
    /// The waitlist when the caller may do <paramref name="permission"/> at its restaurant: else 404 for a stranger (or
    /// no such waitlist), 403 for a member whose role does not allow it.
    /// </summary>
    internal static async Task<(Waitlist? Waitlist, ProblemHttpResult? Refusal)> FindAsync(
        string id, RestaurantPermission permission, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } waitlist)
            return (null, Problems.NotFound("No such waitlist."));
        var allowed = await access.CheckAsync(caller, waitlist.RestaurantId, permission, cancellationToken);
        return allowed.Allowed ? (waitlist, null) : (null, allowed.Refusal("No such waitlist."));
    }

    private static async Task<Results<Ok<WaitlistView>, ProblemHttpResult, ValidationProblem>> Update(
        string id, WaitlistRequest request, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, IOptions<NotificationOptions> options,
        WaitlistChanges changes, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (InsecureWebhook(request.WebhookUrl, options) is { } refusal)
            return refusal;
        if (request.RestaurantId is not null)
            return Problems.Validation("restaurantId", "A waitlist stays with its restaurant; leave restaurantId out.");
        // A HOST may open and close the line, nothing else: run-the-line first, then the managers' permission for more.
        var (current, refused) = await FindAsync(id, RestaurantPermission.RunLine, caller, store, access, cancellationToken);
        if (current is null)
            return refused!;
        if (request.ChangesMoreThanOpen(current)
            && await access.CheckAsync(caller, current.RestaurantId, RestaurantPermission.ManageWaitlists, cancellationToken) is { Allowed: false } manage)
            return manage.Refusal("No such waitlist.");
        // Name is required; the other fields keep their value when absent.
        var updated = current with
        {
            Name = request.Name!.Trim(),
            Description = request.Description?.Trim() ?? current.Description,
            AverageWaitMinutesPerParty = request.AverageWaitMinutesPerParty ?? current.AverageWaitMinutesPerParty,
            IsOpen = request.IsOpen ?? current.IsOpen,
            WebhookUrl = request.WebhookUrl ?? current.WebhookUrl,
            UpdatedAt = clock.GetUtcNow().UtcDateTime,
        };
        if (!await store.UpdateAsync(updated, cancellationToken))
            return Problems.NotFound("No such waitlist.");
        changes.Publish(id, WaitlistChange.WaitlistKind);
        return TypedResults.Ok(await ViewAsync(updated, store, cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, WaitlistChanges changes, CancellationToken cancellationToken)
    {
        var (waitlist, refused) = await FindAsync(id, RestaurantPermission.ManageWaitlists, caller, store, access, cancellationToken);
        if (waitlist is null)
            return refused!;
        if (!await store.DeleteAsync(id, cancellationToken))
            return Problems.NotFound("No such waitlist.");
        changes.Publish(id, WaitlistChange.WaitlistKind); // its streams end
        return TypedResults.NoContent();
    }

    private static async Task<Results<Created<WaiteeView>, ProblemHttpResult>> AddWaitee(
        string id, WaiteeRequest request, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, WaitlistChanges changes, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (waitlist, refused) = await FindAsync(id, RestaurantPermission.RunLine, caller, store, access, cancellationToken);
        if (waitlist is null)
            return refused!;
        return await Waitees.AddAsync(waitlist, request, store, changes, clock, cancellationToken);
    }

    private static async Task<Results<Ok<Page<WaiteeView>>, ProblemHttpResult, ValidationProblem>> ListWaitees(
        string id, [AsParameters] WaiteeListQuery query, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, Cursors cursors, CancellationToken cancellationToken)
    {
        var (waitlist, refused) = await FindAsync(id, RestaurantPermission.RunLine, caller, store, access, cancellationToken);
        if (waitlist is null)
            return refused!;
        var scope = $"waitees|{id}|{query.Status}";
        (DateTime, string)? after = null;
        if (!cursors.TryAfter(scope, query.Cursor, out var position))
            return Paging.InvalidCursor();
        if (position is not null)
        {
            if (!TimeIdCursor.TryDecode(position, out var joinedAt, out var waiteeId))
                return Paging.InvalidCursor();
            after = (joinedAt.UtcDateTime, waiteeId);
        }
        var limit = PageLimit.Parse(query.Limit);
        var rows = await store.ListWaiteesAsync(id, query.Status, after, limit + 1, cancellationToken);
        var perParty = await Waitees.MinutesPerPartyAsync(waitlist, store, cancellationToken);
        return TypedResults.Ok(cursors.ToPage(scope, rows, limit, w => WaiteeView.From(w, waitlist, perParty), w => TimeIdCursor.Encode(w.JoinedAt, w.Id)));
    }

    private static async Task<Results<Ok<WaiteeView>, ProblemHttpResult>> GetWaitee(
        string id, string waiteeId, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, CancellationToken cancellationToken)
    {
        var (waitlist, refused) = await FindAsync(id, RestaurantPermission.RunLine, caller, store, access, cancellationToken);
        if (waitlist is null)
            return refused!;
        if (await store.FindWaiteeAsync(id, waiteeId, cancellationToken) is not { } waitee)
            return Problems.NotFound("No such waitee.");
        return TypedResults.Ok(WaiteeView.From(waitee, waitlist, await Waitees.MinutesPerPartyAsync(waitlist, store, cancellationToken)));
    }

    private static async Task<Results<Ok<WaiteeView>, ProblemHttpResult>> UpdateWaitee(
        string id, string waiteeId, WaiteeUpdateRequest request, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, WaitlistChanges changes,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (waitlist, refused) = await FindAsync(id, RestaurantPermission.RunLine, caller, store, access, cancellationToken);
        if (waitlist is null)
            return refused!;
        if (await store.FindWaiteeAsync(id, waiteeId, cancellationToken) is not { } waitee)
            return Problems.NotFound("No such waitee.");
        var now = clock.GetUtcNow().UtcDateTime;
        var updated = waitee with
        {
            Name = request.Name?.Trim() ?? waitee.Name,
            PartySize = request.PartySize ?? waitee.PartySize,
            Email = request.Email ?? waitee.Email,
            Phone = request.Phone ?? waitee.Phone,
            Notes = request.Notes ?? waitee.Notes,
            NotifyAt = request.NotifyAt?.ToUniversalTime() ?? (request.NotifyInMinutes is { } m ? now.AddMinutes(m) : waitee.NotifyAt),
            QuotedWaitMinutes = request.QuotedWaitMinutes ?? WaiteeQuote.Of(waitee, waitlist),
        };
        if (!await store.UpdateWaiteeAsync(updated, cancellationToken))
            return Problems.Conflict($"The waitee is {waitee.Status} and can no longer be changed.");
        changes.Publish(id, WaitlistChange.WaiteeKind, waiteeId);
        var fresh = await store.FindWaiteeAsync(id, waiteeId, cancellationToken);
        return TypedResults.Ok(WaiteeView.From(fresh!, waitlist, await Waitees.MinutesPerPartyAsync(waitlist, store, cancellationToken)));
    }

    private static Task<Results<Ok<WaiteeView>, ProblemHttpResult>> RemoveWaitee(
        string id, string waiteeId, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, WaitlistChanges changes, TimeProvider clock,
        CancellationToken cancellationToken) =>
        TransitionAsync(id, waiteeId, WaiteeStatus.Active, WaiteeStatus.Removed, caller, store, access, changes, clock, cancellationToken);

    private static Task<Results<Ok<WaiteeView>, ProblemHttpResult>> Seat(
        string id, string waiteeId, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, WaitlistChanges changes, TimeProvider clock,
        CancellationToken cancellationToken) =>
        TransitionAsync(id, waiteeId, WaiteeStatus.Active, WaiteeStatus.Seated, caller, store, access, changes, clock, cancellationToken);

    private static Task<Results<Ok<WaiteeView>, ProblemHttpResult>> NoShow(
        string id, string waiteeId, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, WaitlistChanges changes, TimeProvider clock,
        CancellationToken cancellationToken) =>
        TransitionAsync(id, waiteeId, [WaiteeStatus.Notified], WaiteeStatus.NoShow, caller, store, access, changes, clock, cancellationToken);

    /// <summary>Undo: a seat, removal or no-show of the last 10 minutes (at exactly 10 still allowed); LEFT is the guest's and stays.</summary>
    private static async Task<Results<Ok<WaiteeView>, ProblemHttpResult>> Restore(
        string id, string waiteeId, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, WaitlistChanges changes, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (waitlist, refused) = await FindAsync(id, RestaurantPermission.RunLine, caller, store, access, cancellationToken);
        if (waitlist is null)
            return refused!;
        if (await store.FindWaiteeAsync(id, waiteeId, cancellationToken) is not { } waitee)
            return Problems.NotFound("No such waitee.");
        var restored = await store.RestoreAsync(waiteeId, clock.GetUtcNow().UtcDateTime - WaiteeStatus.RestoreWindow, cancellationToken);
        if (restored is null)
            return Problems.Conflict(WaiteeStatus.Restorable.Contains(waitee.Status)
                ? $"The waitee became {waitee.Status} more than 10 minutes ago (or was just restored); it can no longer be undone."
                : $"The waitee is {waitee.Status}; only SEATED, REMOVED or NO_SHOW can be undone.");
        changes.Publish(id, WaitlistChange.WaiteeKind, waiteeId);
        return TypedResults.Ok(WaiteeView.From(restored, waitlist, await Waitees.MinutesPerPartyAsync(waitlist, store, cancellationToken)));
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> Notify(
        string id, string waiteeId, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, NotificationProducer producer, WaitlistChanges changes,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (waitlist, refused) = await FindAsync(id, RestaurantPermission.RunLine, caller, store, access, cancellationToken);
        if (waitlist is null)
            return refused!;
        if (await store.FindWaiteeAsync(id, waiteeId, cancellationToken) is not { } waitee)
            return Problems.NotFound("No such waitee.");
        if (!await store.MakeDueAsync(waiteeId, clock.GetUtcNow().UtcDateTime, cancellationToken))
            return Problems.Conflict(waitee.Status == WaiteeStatus.Waiting
                ? "A notification to this party is already on its way."
                : $"The waitee is {waitee.Status}; only a WAITING party can be notified.");
        changes.Publish(id, WaitlistChange.WaiteeKind, waiteeId);
        await producer.RunOnceAsync(cancellationToken); // queue it now, not at the next tick
        return TypedResults.Accepted($"/waitlists/{id}/notifications");
    }

    private static async Task<Results<Ok<Page<NotificationView>>, ProblemHttpResult, ValidationProblem>> ListNotifications(
        string id, [AsParameters] WaitlistListQuery query, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, INotificationStore notifications,
        Cursors cursors, CancellationToken cancellationToken)
    {
        var (waitlist, refused) = await FindAsync(id, RestaurantPermission.RunLine, caller, store, access, cancellationToken);
        if (waitlist is null)
            return refused!;
        var scope = "notifications|" + id;
        if (!cursors.TryAfter(scope, query.Cursor, out var after))
            return Paging.InvalidCursor();
        var limit = PageLimit.Parse(query.Limit);
        var rows = await notifications.ListAsync(id, after, limit + 1, cancellationToken);
        return TypedResults.Ok(cursors.ToPage(scope, rows, limit,
            n => new NotificationView(n.Id, n.WaiteeId, n.Channel, n.To, n.Status, n.Attempts, n.LastError, n.CreatedAt, n.SentAt), n => n.Id));
    }

    private static async Task<Results<Ok<WaiteeView>, ProblemHttpResult>> TransitionAsync(
        string id, string waiteeId, string[] from, string to, ClaimsPrincipal caller, IWaitlistStore store, RestaurantAccess access, WaitlistChanges changes,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (waitlist, refused) = await FindAsync(id, RestaurantPermission.RunLine, caller, store, access, cancellationToken);
        if (waitlist is null)
            return refused!;
        if (await store.FindWaiteeAsync(id, waiteeId, cancellationToken) is not { } waitee)
            return Problems.NotFound("No such waitee.");
        var moved = await store.TransitionAsync(waiteeId, from, to, clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (moved is null)
            return Problems.Conflict($"The waitee is {waitee.Status}; it cannot become {to}.");
        changes.Publish(id, WaitlistChange.WaiteeKind, waiteeId);
        return TypedResults.Ok(WaiteeView.From(moved, waitlist, await Waitees.MinutesPerPartyAsync(waitlist, store, cancellationToken)));
    }

    private static async Task<WaitlistView> ViewAsync(Waitlist waitlist, IWaitlistStore store, CancellationToken cancellationToken) =>
        WaitlistView.From(waitlist, (await store.CountActiveAsync([waitlist.Id], cancellationToken)).GetValueOrDefault(waitlist.Id));

    private static ValidationProblem? InsecureWebhook(string? url, IOptions<NotificationOptions> options) =>
        url is not null && WebhookTargets.Refusal(url, options.Value) is { } refusal
            ? Problems.Validation("webhookUrl", refusal)
            : null;

    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
