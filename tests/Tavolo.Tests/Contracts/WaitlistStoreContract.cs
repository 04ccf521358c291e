using Tavolo.Waitlists;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Tests.Contracts;

/// <summary>
/// What every waitlists adapter must do, through both of its ports: the line (<see cref="IWaitlistStore"/>) and the
/// line's notifications (<see cref="INotificationStore"/>). One adapter per backend serves both, since a claim changes
/// a waitee and writes its notifications in one unit; the type parameter holds subclasses to that.
/// </summary>
public abstract class WaitlistStoreContract<TStore> where TStore : IWaitlistStore, INotificationStore
{
    protected abstract TStore Store { get; }

    private IWaitlistStore Waitlists => Store;

    private INotificationStore Notifications => Store;

    private static readonly DateTime T0 = new(2026, 11, 23, 18, 0, 0, DateTimeKind.Utc);

    private static readonly Func<Waitee, Waitlist, IReadOnlyList<(string, string)>> Outbox = (w, _) => [(Channels.Outbox, w.Phone ?? "-")];

    /// <summary>The default quote the API passes: 10 minutes per party ahead.</summary>
    private static readonly Func<int, int> Quote = position => (position - 1) * 10;

    private async Task<Waitlist> NewWaitlistAsync(string? owner = null, bool open = true)
    {
        var waitlist = new Waitlist(Guid.CreateVersion7().ToString("N"), owner ?? "owner-" + Guid.NewGuid().ToString("N"), "Trattoria", null, 10, open,
            null, "secret", T0, T0);
        await Waitlists.CreateAsync(waitlist, default);
        return waitlist;
    }

    private async Task<Waitee> JoinAsync(Waitlist list, int minute, DateTime? notifyAt = null, bool requireOpen = false, int? quote = null) =>
        (await Waitlists.AddWaiteeAsync(new Waitee(Guid.CreateVersion7().ToString("N"), list.Id, "P" + minute, 2, null, "+14155550123", null,
            WaiteeStatus.Waiting, notifyAt, T0.AddMinutes(minute), null, null, null, Guid.NewGuid().ToString("N"), 0, QuotedWaitMinutes: quote),
            requireOpen, Quote, default))!;

    [Fact]
    public async Task Waitlists_are_kept_by_restaurant_listed_updated_and_deleted_with_everything_on_them()
    {
        var restaurant = "restaurant-" + Guid.NewGuid().ToString("N");
        var other = "restaurant-" + Guid.NewGuid().ToString("N");
        var lists = new List<Waitlist>();
        for (var i = 0; i < 3; i++)
            lists.Add(await NewWaitlistAsync(restaurant));
        var elsewhere = await NewWaitlistAsync(other);
        Assert.Equal(lists[0], await Waitlists.FindAsync(lists[0].Id, default));
        Assert.Null(await Waitlists.FindAsync("no-such-waitlist", default));

        var firstPage = await Waitlists.ListAsync([restaurant], null, 2, default);
        var secondPage = await Waitlists.ListAsync([restaurant], firstPage[^1].Id, 2, default);
        Assert.Equal(lists.Select(l => l.Id).Order(StringComparer.Ordinal), firstPage.Concat(secondPage).Select(l => l.Id));
        // Of several restaurants: one list by id, merged.
        var both = await Waitlists.ListAsync([restaurant, other], null, 10, default);
        Assert.Equal(lists.Append(elsewhere).Select(l => l.Id).Order(StringComparer.Ordinal), both.Select(l => l.Id));
        Assert.Equal(lists.Append(elsewhere).Select(l => l.Id).Order(StringComparer.Ordinal).Take(2), (await Waitlists.ListAsync([restaurant, other], null, 2, default)).Select(l => l.Id));
        Assert.Empty(await Waitlists.ListAsync(["restaurant-with-nothing"], null, 10, default));

        var renamed = lists[1] with { Name = "Osteria", IsOpen = false, WebhookUrl = "https://example.com/hook", UpdatedAt = T0.AddMinutes(1) };
        Assert.True(await Waitlists.UpdateAsync(renamed, default));
        Assert.Equal(renamed, await Waitlists.FindAsync(renamed.Id, default));
        Assert.False(await Waitlists.UpdateAsync(renamed with { RestaurantId = "thief" }, default)); // a waitlist stays with its restaurant

        var waitee = await JoinAsync(lists[2], 0);
        Assert.True(await Waitlists.DeleteAsync(lists[2].Id, default));
        Assert.Null(await Waitlists.FindAsync(lists[2].Id, default));
        Assert.Null(await Waitlists.FindByGuestTokenAsync(waitee.GuestToken, default));
        Assert.False(await Waitlists.DeleteAsync(lists[2].Id, default));
    }

    [Fact]
    public async Task Waitees_join_in_order_with_positions_that_close_up_when_parties_leave()
    {
        var list = await NewWaitlistAsync();
        var waitees = new List<Waitee>();
        for (var i = 0; i < 5; i++)
            waitees.Add(await JoinAsync(list, i));
        Assert.Equal([1, 2, 3, 4, 5], waitees.Select(w => w.PositionAtJoin));
        Assert.Equal(5, (await Waitlists.CountActiveAsync([list.Id], default))[list.Id]);

        Assert.NotNull(await Waitlists.TransitionAsync(waitees[1].Id, WaiteeStatus.Active, WaiteeStatus.Seated, T0.AddMinutes(30), default));
        var notified = await Waitlists.TransitionAsync(waitees[3].Id, [WaiteeStatus.Waiting], WaiteeStatus.Notified, T0.AddMinutes(31), default);
        Assert.Equal(3, notified!.Position); // NOTIFIED still holds its place
        Assert.Null((await Waitlists.FindWaiteeAsync(list.Id, waitees[1].Id, default))!.Position);
        Assert.Equal(4, (await Waitlists.FindByGuestTokenAsync(waitees[4].GuestToken, default))!.Position);
        Assert.Null(await Waitlists.FindWaiteeAsync("another-list", waitees[0].Id, default));

        var line = await Waitlists.ListWaiteesAsync(list.Id, null, null, 3, default);
        var rest = await Waitlists.ListWaiteesAsync(list.Id, null, (line[^1].JoinedAt, line[^1].Id), 10, default);
        Assert.Equal(waitees.Select(w => w.Id), line.Concat(rest).Select(w => w.Id));
        Assert.Equal([1, null, 2, 3, 4], line.Concat(rest).Select(w => w.Position));
        Assert.Equal([waitees[1].Id], (await Waitlists.ListWaiteesAsync(list.Id, WaiteeStatus.Seated, null, 10, default)).Select(w => w.Id));

        var samples = await Waitlists.RecentWaitsAsync(list.Id, 20, default);
        Assert.Equal(new WaitSample(29, 2), Assert.Single(samples));
        Assert.Equal(4, (await Waitlists.CountActiveAsync([list.Id, "empty"], default))[list.Id]);
    }

    [Fact]
    public async Task A_closed_waitlist_takes_no_guests_and_ended_waitees_cannot_be_edited()
    {
        var closed = await NewWaitlistAsync(open: false);
        Assert.Null(await Waitlists.AddWaiteeAsync(new Waitee("x" + Guid.NewGuid().ToString("N"), closed.Id, "G", 2, null, null, null, WaiteeStatus.Waiting,
            null, T0, null, null, null, Guid.NewGuid().ToString("N"), 0), requireOpen: true, Quote, default));
        var staffAdded = await JoinAsync(closed, 1); // staff may still add
        Assert.True(await Waitlists.UpdateWaiteeAsync(staffAdded with { Name = "Renamed", PartySize = 4 }, default));
        var renamed = (await Waitlists.FindWaiteeAsync(closed.Id, staffAdded.Id, default))!;
        Assert.Equal(("Renamed", 4), (renamed.Name, renamed.PartySize));
        await Waitlists.TransitionAsync(staffAdded.Id, WaiteeStatus.Active, WaiteeStatus.Removed, T0.AddMinutes(2), default);
        Assert.False(await Waitlists.UpdateWaiteeAsync(staffAdded with { Name = "Too late" }, default));
        Assert.Null(await Waitlists.AddWaiteeAsync(staffAdded with { Id = "y" + Guid.NewGuid().ToString("N"), WaitlistId = "gone" }, false, Quote, default));
    }

    [Fact]
    public async Task A_waitee_keeps_its_quote_the_default_one_or_the_hosts_and_an_edit_changes_it()
    {
        var list = await NewWaitlistAsync();
        var first = await JoinAsync(list, 0);
        var second = await JoinAsync(list, 1);
        var quoted = await JoinAsync(list, 2, quote: 45);
        Assert.Equal([0, 10, 45], new[] { first, second, quoted }.Select(w => w.QuotedWaitMinutes));
        Assert.Equal(10, (await Waitlists.FindWaiteeAsync(list.Id, second.Id, default))!.QuotedWaitMinutes);

        Assert.True(await Waitlists.UpdateWaiteeAsync(second with { QuotedWaitMinutes = 25 }, default));
        Assert.Equal(25, (await Waitlists.FindWaiteeAsync(list.Id, second.Id, default))!.QuotedWaitMinutes);
        Assert.True(await Waitlists.UpdateWaiteeAsync(second with { Name = "Renamed", QuotedWaitMinutes = null }, default)); // null: kept
        Assert.Equal(("Renamed", 25), ((await Waitlists.ListWaiteesAsync(list.Id, null, null, 10, default))[1] is var w ? (w.Name, w.QuotedWaitMinutes) : default));
    }

    [Fact]
    public async Task A_no_show_or_a_seat_is_undone_back_to_the_old_status_and_place_while_the_window_lasts()
    {
        var list = await NewWaitlistAsync();
        var waitees = new List<Waitee>();
        for (var i = 0; i < 3; i++)
            waitees.Add(await JoinAsync(list, i));
        var told = await Waitlists.TransitionAsync(waitees[0].Id, [WaiteeStatus.Waiting], WaiteeStatus.Notified, T0.AddMinutes(10), default);
        var noShow = await Waitlists.TransitionAsync(told!.Id, [WaiteeStatus.Notified], WaiteeStatus.NoShow, T0.AddMinutes(20), default);
        Assert.Equal((WaiteeStatus.NoShow, (DateTime?)T0.AddMinutes(20), (int?)null), (noShow!.Status, noShow.EndedAt, noShow.Position));
        var seated = await Waitlists.TransitionAsync(waitees[1].Id, WaiteeStatus.Active, WaiteeStatus.Seated, T0.AddMinutes(21), default);
        Assert.Equal((T0.AddMinutes(21), T0.AddMinutes(21)), (seated!.SeatedAt, seated.EndedAt));
        Assert.Single(await Waitlists.RecentWaitsAsync(list.Id, 20, default));

        // Ended before the window's start: no undo.
        Assert.Null(await Waitlists.RestoreAsync(noShow.Id, T0.AddMinutes(20).AddSeconds(1), default));
        var back = await Waitlists.RestoreAsync(noShow.Id, T0.AddMinutes(20), default);
        Assert.Equal((WaiteeStatus.Notified, (int?)1, (DateTime?)null), (back!.Status, back.Position, back.EndedAt));
        Assert.Equal(T0.AddMinutes(10), back.NotifiedAt);
        Assert.Null(await Waitlists.RestoreAsync(noShow.Id, T0, default)); // in line again: nothing to undo

        var unseated = await Waitlists.RestoreAsync(seated.Id, T0.AddMinutes(11), default);
        Assert.Equal((WaiteeStatus.Waiting, (int?)2, (DateTime?)null, (DateTime?)null), (unseated!.Status, unseated.Position, unseated.SeatedAt, unseated.EndedAt));
        Assert.Empty(await Waitlists.RecentWaitsAsync(list.Id, 20, default)); // an undone seat teaches the estimate nothing
        Assert.Equal([1, 2, 3], (await Waitlists.ListWaiteesAsync(list.Id, null, null, 10, default)).Select(w => w.Position));

        // Seated again: one sample, as if the first seat never happened.
        Assert.NotNull(await Waitlists.TransitionAsync(seated.Id, WaiteeStatus.Active, WaiteeStatus.Seated, T0.AddMinutes(31), default));
        Assert.Equal(new WaitSample(30, 2), Assert.Single(await Waitlists.RecentWaitsAsync(list.Id, 20, default)));
    }

    [Fact]
    public async Task Left_and_waiting_parties_are_not_restored_and_of_racing_restores_one_wins()
    {
        var list = await NewWaitlistAsync();
        var left = await JoinAsync(list, 0);
        var removed = await JoinAsync(list, 1);
        Assert.Null(await Waitlists.RestoreAsync(removed.Id, T0, default)); // WAITING
        await Waitlists.TransitionAsync(left.Id, WaiteeStatus.Active, WaiteeStatus.Left, T0.AddMinutes(5), default);
        Assert.Null(await Waitlists.RestoreAsync(left.Id, T0, default));
        Assert.Null(await Waitlists.RestoreAsync("no-such-waitee", T0, default));

        await Waitlists.TransitionAsync(removed.Id, WaiteeStatus.Active, WaiteeStatus.Removed, T0.AddMinutes(5), default);
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Waitlists.RestoreAsync(removed.Id, T0, default)));
        Assert.Equal(WaiteeStatus.Waiting, Assert.Single(results, r => r is not null)!.Status);
    }

    [Fact]
    public async Task A_restored_waiting_party_gets_its_due_time_back()
    {
        var list = await NewWaitlistAsync();
        var waitee = await JoinAsync(list, 0, notifyAt: T0.AddMinutes(40));
        await Waitlists.TransitionAsync(waitee.Id, WaiteeStatus.Active, WaiteeStatus.Removed, T0.AddMinutes(1), default);
        Assert.DoesNotContain(await Notifications.ClaimDueAsync(T0.AddMinutes(45), 100, Outbox, default), n => n.WaiteeId == waitee.Id);
        Assert.NotNull(await Waitlists.RestoreAsync(waitee.Id, T0, default));
        Assert.Contains(await Notifications.ClaimDueAsync(T0.AddMinutes(45), 100, Outbox, default), n => n.WaiteeId == waitee.Id);
    }

    [Fact]
    public async Task Of_racing_transitions_one_wins()
    {
        var list = await NewWaitlistAsync();
        var waitee = await JoinAsync(list, 0);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Waitlists.TransitionAsync(waitee.Id, WaiteeStatus.Active, i % 2 == 0 ? WaiteeStatus.Seated : WaiteeStatus.Removed, T0.AddMinutes(5), default)));
        Assert.Single(results, r => r is not null);
    }

    [Fact]
    public async Task Due_waitees_are_claimed_once_into_notifications_that_go_through_their_states()
    {
        var list = await NewWaitlistAsync();
        var due = await JoinAsync(list, 0, notifyAt: T0.AddMinutes(10));
        var later = await JoinAsync(list, 1, notifyAt: T0.AddMinutes(60));
        var pressed = await JoinAsync(list, 2);
        Assert.True(await Waitlists.MakeDueAsync(pressed.Id, T0.AddMinutes(5), default));
        Assert.False(await Waitlists.MakeDueAsync(pressed.Id, T0.AddMinutes(5), default)); // already due

        var now = T0.AddMinutes(15);
        // (The store is shared by this class's tests: look only at this waitlist's claims.)
        var claims = await Task.WhenAll(Notifications.ClaimDueAsync(now, 100, Outbox, default), Notifications.ClaimDueAsync(now, 100, Outbox, default));
        var created = claims.SelectMany(c => c).Where(n => n.WaitlistId == list.Id).ToList();
        Assert.Equal(new[] { due.Id, pressed.Id }.Order(), created.Select(n => n.WaiteeId).Order());
        Assert.DoesNotContain(await Notifications.ClaimDueAsync(now, 100, Outbox, default), n => n.WaitlistId == list.Id);
        Assert.False(await Waitlists.MakeDueAsync(pressed.Id, now, default)); // its notification is still on its way

        var first = created.Single(n => n.WaiteeId == pressed.Id);
        Assert.Contains(first.Id, (await Notifications.ListUnenqueuedAsync(now.AddSeconds(1), 10, default)).Select(n => n.Id));
        await Notifications.MarkEnqueuedAsync(first.Id, now, default);
        Assert.DoesNotContain(first.Id, (await Notifications.ListUnenqueuedAsync(now.AddSeconds(1), 10, default)).Select(n => n.Id));

        Assert.True(await Notifications.BeginAttemptAsync(first.Id, now, now.AddSeconds(30), default));
        Assert.False(await Notifications.BeginAttemptAsync(first.Id, now.AddSeconds(1), now.AddSeconds(31), default)); // leased
        await Notifications.MarkFailedAttemptAsync(first.Id, "boom", final: true, default);
        var failed = (await Notifications.FindDeliveryAsync(first.Id, default))!.Notification;
        Assert.Equal((NotificationStatus.Failed, 1, "boom"), (failed.Status, failed.Attempts, failed.LastError));
        Assert.True(await Waitlists.MakeDueAsync(pressed.Id, now.AddMinutes(1), default)); // after FAILED, staff may press again

        var second = created.Single(n => n.WaiteeId == due.Id);
        Assert.True(await Notifications.BeginAttemptAsync(second.Id, now, now.AddSeconds(30), default));
        await Notifications.MarkSentAsync(second.Id, due.Id, now.AddSeconds(2), default);
        var sent = (await Notifications.FindDeliveryAsync(second.Id, default))!;
        Assert.Equal(NotificationStatus.Sent, sent.Notification.Status);
        Assert.Equal(WaiteeStatus.Notified, sent.Waitee.Status);
        Assert.Equal(list.Id, sent.Waitlist.Id);
        Assert.False(await Notifications.BeginAttemptAsync(second.Id, now.AddMinutes(5), now.AddMinutes(6), default)); // not QUEUED any more

        var page = await Notifications.ListAsync(list.Id, null, 1, default);
        var next = await Notifications.ListAsync(list.Id, page[0].Id, 10, default);
        Assert.Equal(created.Select(n => n.Id).Order(StringComparer.Ordinal), page.Concat(next).Select(n => n.Id));
        Assert.DoesNotContain(later.Id, page.Concat(next).Select(n => n.WaiteeId));
        Assert.Null(await Notifications.FindDeliveryAsync("missing", default));
    }

    [Fact]
    public async Task A_changed_notify_time_rearms_the_producer()
    {
        var list = await NewWaitlistAsync();
        var waitee = await JoinAsync(list, 0, notifyAt: T0.AddHours(2));
        Assert.DoesNotContain(await Notifications.ClaimDueAsync(T0.AddMinutes(30), 100, Outbox, default), n => n.WaiteeId == waitee.Id);
        Assert.True(await Waitlists.UpdateWaiteeAsync(waitee with { NotifyAt = T0.AddMinutes(20) }, default));
        Assert.Single(await Notifications.ClaimDueAsync(T0.AddMinutes(30), 100, Outbox, default), n => n.WaiteeId == waitee.Id);
    }
}
