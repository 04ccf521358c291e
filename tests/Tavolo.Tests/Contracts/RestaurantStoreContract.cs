using Tavolo.Restaurants;

namespace Tavolo.Tests.Contracts;

/// <summary>
/// What every <see cref="IRestaurantStore"/> adapter must do. Subclasses supply the adapter. (The emulator's GSIs are
/// read-after-write, so the by-person lists and the token lookup are asserted at once; on AWS they may lag a moment.)
/// </summary>
public abstract class RestaurantStoreContract
{
    protected abstract IRestaurantStore Store { get; }

    private static readonly DateTime T0 = new(2026, 11, 23, 18, 4, 5, DateTimeKind.Utc);

    private static string NewId() => Guid.CreateVersion7().ToString("N");

    private static Restaurant NewRestaurant(string name = "Vecchia Osteria") =>
        new(NewId(), name, "By the river", "Via Roma 1", "+390212345678", "Europe/Rome", "EUR", "IT", T0, T0);

    private async Task<(Restaurant Restaurant, string Owner)> CreatedAsync(string name = "Vecchia Osteria")
    {
        var restaurant = NewRestaurant(name);
        var owner = NewId();
        Assert.True(await Store.CreateAsync(restaurant, owner, default));
        return (restaurant, owner);
    }

    private static Invitation NewInvitation(string restaurantId, string? email = null, string role = StaffRoles.Host, DateTime? createdAt = null) =>
        new(NewId(), restaurantId, email ?? $"i-{Guid.NewGuid():N}@example.com", role, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + NewId(),
            "inviter", createdAt ?? T0, (createdAt ?? T0) + Invitation.Lifetime);

    /// <summary>Makes <paramref name="userId"/> a member with <paramref name="role"/> the way the API does: an invitation, accepted.</summary>
    private async Task JoinAsync(string restaurantId, string userId, string role, DateTime? at = null)
    {
        var invitation = NewInvitation(restaurantId, role: role, createdAt: at);
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(invitation, Invitation.MaxPending, at ?? T0, default));
        Assert.True(await Store.AcceptAsync(invitation, userId, at ?? T0, default));
    }

    [Fact]
    public async Task A_restaurant_round_trips_with_its_creator_as_owner_and_its_id_is_taken_once()
    {
        var (restaurant, owner) = await CreatedAsync();
        Assert.Equal(restaurant, await Store.FindAsync(restaurant.Id, default));
        Assert.Equal(new Membership(restaurant.Id, owner, StaffRoles.Owner, T0), await Store.FindMemberAsync(restaurant.Id, owner, default));
        Assert.False(await Store.CreateAsync(restaurant with { Name = "Impostor" }, NewId(), default));
        Assert.Equal(restaurant, await Store.FindAsync(restaurant.Id, default));
        Assert.Single(await Store.ListStaffAsync(restaurant.Id, default));

        var bare = NewRestaurant() with { Description = null, Address = null, Phone = null, Country = null, TimeZone = "UTC", Currency = "USD" };
        Assert.True(await Store.CreateAsync(bare, owner, default));
        Assert.Equal(bare, await Store.FindAsync(bare.Id, default));
        Assert.Null(await Store.FindAsync("missing", default));
        Assert.Null(await Store.FindMemberAsync(restaurant.Id, "stranger", default));
    }

    [Fact]
    public async Task The_directory_lists_by_name_then_id_filtered_and_paged()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var names = new[] { $"zeta {tag}", $"Alpha {tag}", $"beta|bar {tag}", $"ALPHA {tag}", $"Gamma {tag.ToUpperInvariant()}" };
        var created = new List<Restaurant>();
        foreach (var name in names)
            created.Add((await CreatedAsync(name)).Restaurant);
        await CreatedAsync("Unrelated");

        var expected = created.OrderBy(r => r.Name.ToLowerInvariant(), StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal).Select(r => r.Id).ToList();
        var seen = new List<string>();
        (string, string)? after = null;
        while (true)
        {
            var page = await Store.ListByNameAsync(tag.ToUpperInvariant(), after, 2, default);
            seen.AddRange(page.Select(r => r.Id));
            if (page.Count < 2) break;
            after = (page[^1].Name, page[^1].Id);
        }
        Assert.Equal(expected, seen);
        Assert.Equal(created.Single(r => r.Name == $"zeta {tag}"), (await Store.ListByNameAsync($"zeta {tag}", null, 10, default)).Single());
        Assert.Empty(await Store.ListByNameAsync("no such name " + tag, null, 10, default));
        Assert.Contains(await Store.ListByNameAsync(null, null, 1000, default), r => r.Name == "Unrelated");
    }

    [Fact]
    public async Task Replace_keeps_the_creation_time_and_the_directory_follows_the_new_name()
    {
        var (restaurant, _) = await CreatedAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var replacement = restaurant with
        {
            Name = "Trattoria " + tag,
            Description = null,
            Address = null,
            Phone = null,
            Country = null,
            TimeZone = "America/New_York",
            Currency = "USD",
            CreatedAt = T0.AddDays(1),
            UpdatedAt = T0.AddHours(1),
        };
        Assert.True(await Store.ReplaceAsync(replacement, default));
        Assert.Equal(replacement with { CreatedAt = T0 }, await Store.FindAsync(restaurant.Id, default));
        Assert.Equal(restaurant.Id, (await Store.ListByNameAsync("trattoria " + tag, null, 10, default)).Single().Id);
        Assert.DoesNotContain(await Store.ListByNameAsync("osteria", null, 1000, default), r => r.Id == restaurant.Id);
        var full = replacement with { Description = "Back", Address = "Via Po 2", Phone = "+390211111111", Country = "IT", CreatedAt = T0 };
        Assert.True(await Store.ReplaceAsync(full, default));
        Assert.Equal(full, await Store.FindAsync(restaurant.Id, default));
        Assert.False(await Store.ReplaceAsync(NewRestaurant(), default));
        Assert.Null(await Store.FindAsync(restaurant.Id + "x", default));
    }

    [Fact]
    public async Task Delete_takes_the_members_and_invitations_with_it()
    {
        var (restaurant, owner) = await CreatedAsync();
        var (other, _) = await CreatedAsync();
        var host = NewId();
        await JoinAsync(restaurant.Id, host, StaffRoles.Host);
        await JoinAsync(other.Id, host, StaffRoles.Kitchen);
        var invitation = NewInvitation(restaurant.Id);
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(invitation, Invitation.MaxPending, T0, default));

        Assert.True(await Store.DeleteAsync(restaurant.Id, default));
        Assert.Null(await Store.FindAsync(restaurant.Id, default));
        Assert.Null(await Store.FindMemberAsync(restaurant.Id, owner, default));
        Assert.Null(await Store.FindMemberAsync(restaurant.Id, host, default));
        Assert.Empty(await Store.ListStaffAsync(restaurant.Id, default));
        Assert.Empty(await Store.ListInvitationsAsync(restaurant.Id, T0, default));
        Assert.Null(await Store.FindInvitationAsync(invitation.TokenHash, default));
        Assert.False(await Store.AcceptAsync(invitation, NewId(), T0, default));
        Assert.Equal([other.Id], (await Store.ListMembershipsAsync(host, default)).Select(m => m.RestaurantId));
        Assert.False(await Store.DeleteAsync(restaurant.Id, default));
        Assert.NotNull(await Store.FindAsync(other.Id, default));
        Assert.Equal(StaffRoles.Kitchen, (await Store.FindMemberAsync(other.Id, host, default))?.Role);
    }

    [Fact]
    public async Task Members_are_listed_by_restaurant_oldest_first_and_by_person()
    {
        var (first, owner) = await CreatedAsync();
        var (second, _) = await CreatedAsync();
        var (third, _) = await CreatedAsync();
        var person = NewId();
        var later = NewId();
        await JoinAsync(first.Id, later, StaffRoles.Kitchen, T0.AddMinutes(2));
        await JoinAsync(first.Id, person, StaffRoles.Manager, T0.AddMinutes(1));
        await JoinAsync(second.Id, person, StaffRoles.Host, T0.AddMinutes(3));

        Assert.Equal(
            [new Membership(first.Id, owner, StaffRoles.Owner, T0), new(first.Id, person, StaffRoles.Manager, T0.AddMinutes(1)), new(first.Id, later, StaffRoles.Kitchen, T0.AddMinutes(2))],
            await Store.ListStaffAsync(first.Id, default));
        Assert.Equal(
            new[] { new Membership(first.Id, person, StaffRoles.Manager, T0.AddMinutes(1)), new(second.Id, person, StaffRoles.Host, T0.AddMinutes(3)) }
                .OrderBy(m => m.RestaurantId, StringComparer.Ordinal),
            (await Store.ListMembershipsAsync(person, default)).OrderBy(m => m.RestaurantId, StringComparer.Ordinal));
        Assert.Empty(await Store.ListMembershipsAsync(NewId(), default));
        Assert.Single(await Store.ListStaffAsync(third.Id, default));
        Assert.Empty(await Store.ListStaffAsync("missing", default));
    }

    [Fact]
    public async Task Roles_change_and_members_go_but_never_the_last_owner()
    {
        var (restaurant, owner) = await CreatedAsync();
        var manager = NewId();
        await JoinAsync(restaurant.Id, manager, StaffRoles.Manager);

        Assert.Equal(StaffWrite.LastOwner, await Store.SetRoleAsync(restaurant.Id, owner, StaffRoles.Manager, default));
        Assert.Equal(StaffWrite.LastOwner, await Store.RemoveMemberAsync(restaurant.Id, owner, default));
        Assert.Equal(StaffRoles.Owner, (await Store.FindMemberAsync(restaurant.Id, owner, default))?.Role);
        Assert.Equal(StaffWrite.NotMember, await Store.SetRoleAsync(restaurant.Id, "stranger", StaffRoles.Host, default));
        Assert.Equal(StaffWrite.NotMember, await Store.RemoveMemberAsync(restaurant.Id, "stranger", default));
        Assert.Equal(StaffWrite.NotMember, await Store.SetRoleAsync("missing", owner, StaffRoles.Host, default));
        Assert.Equal(StaffWrite.Done, await Store.SetRoleAsync(restaurant.Id, owner, StaffRoles.Owner, default)); // no change

        Assert.Equal(StaffWrite.Done, await Store.SetRoleAsync(restaurant.Id, manager, StaffRoles.Host, default));
        Assert.Equal(StaffRoles.Host, (await Store.FindMemberAsync(restaurant.Id, manager, default))?.Role);
        Assert.Equal(StaffWrite.Done, await Store.SetRoleAsync(restaurant.Id, manager, StaffRoles.Owner, default)); // a second owner
        Assert.Equal(StaffWrite.Done, await Store.SetRoleAsync(restaurant.Id, owner, StaffRoles.Kitchen, default)); // so the first may step down
        Assert.Equal(StaffWrite.LastOwner, await Store.RemoveMemberAsync(restaurant.Id, manager, default)); // now the last one
        Assert.Equal(StaffWrite.LastOwner, await Store.SetRoleAsync(restaurant.Id, manager, StaffRoles.Host, default));
        Assert.Equal(StaffWrite.Done, await Store.RemoveMemberAsync(restaurant.Id, owner, default));
        Assert.Null(await Store.FindMemberAsync(restaurant.Id, owner, default));
        Assert.Equal(StaffWrite.NotMember, await Store.RemoveMemberAsync(restaurant.Id, owner, default));
        Assert.Equal([manager], (await Store.ListStaffAsync(restaurant.Id, default)).Select(m => m.UserId));
        Assert.Empty(await Store.ListMembershipsAsync(owner, default));
    }

    [Fact]
    public async Task Of_two_owners_demoted_or_removed_at_once_exactly_one_goes()
    {
        for (var round = 0; round < 4; round++)
        {
            var (restaurant, first) = await CreatedAsync();
            var second = NewId();
            await JoinAsync(restaurant.Id, second, StaffRoles.Owner);
            var results = round % 2 == 0
                ? await Task.WhenAll(Store.SetRoleAsync(restaurant.Id, first, StaffRoles.Manager, default), Store.SetRoleAsync(restaurant.Id, second, StaffRoles.Host, default))
                : await Task.WhenAll(Store.RemoveMemberAsync(restaurant.Id, first, default), Store.RemoveMemberAsync(restaurant.Id, second, default));
            Assert.Equal(1, results.Count(r => r == StaffWrite.Done));
            Assert.Equal(1, results.Count(r => r == StaffWrite.LastOwner));
            var owners = (await Store.ListStaffAsync(restaurant.Id, default)).Where(m => m.Role == StaffRoles.Owner).ToList();
            Assert.Single(owners);
            // The survivor is the last owner from now on.
            Assert.Equal(StaffWrite.LastOwner, await Store.RemoveMemberAsync(restaurant.Id, owners[0].UserId, default));
        }
    }

    [Fact]
    public async Task Invitations_are_capped_one_per_email_and_expired_ones_do_not_count()
    {
        var (restaurant, _) = await CreatedAsync();
        var invitations = Enumerable.Range(0, 3).Select(i => NewInvitation(restaurant.Id, createdAt: T0.AddMinutes(i))).ToList();
        foreach (var invitation in invitations)
            Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(invitation, 3, T0.AddMinutes(5), default));
        Assert.Equal(InvitationWrite.TooMany, await Store.InviteAsync(NewInvitation(restaurant.Id), 3, T0.AddMinutes(5), default));
        Assert.Equal(InvitationWrite.AlreadyInvited,
            await Store.InviteAsync(NewInvitation(restaurant.Id, " " + invitations[1].Email.ToUpperInvariant()), 50, T0.AddMinutes(5), default));
        Assert.Equal(invitations, await Store.ListInvitationsAsync(restaurant.Id, T0.AddMinutes(5), default));
        Assert.Empty(await Store.ListInvitationsAsync(NewId(), T0, default));

        // Each restaurant has its own cap.
        var (other, _) = await CreatedAsync();
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(NewInvitation(other.Id, invitations[0].Email), 3, T0, default));

        // A week later the three have expired: they are no longer listed, counted, or in the way of their email.
        var later = T0 + Invitation.Lifetime + TimeSpan.FromHours(1);
        Assert.Empty(await Store.ListInvitationsAsync(restaurant.Id, later, default));
        var again = NewInvitation(restaurant.Id, invitations[0].Email, createdAt: later);
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(again, 3, later, default));
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(NewInvitation(restaurant.Id, createdAt: later), 3, later, default));
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(NewInvitation(restaurant.Id, createdAt: later), 3, later, default));
        Assert.Equal(InvitationWrite.TooMany, await Store.InviteAsync(NewInvitation(restaurant.Id, createdAt: later), 3, later, default));
        Assert.Equal(3, (await Store.ListInvitationsAsync(restaurant.Id, later, default)).Count);
        Assert.Contains(again, await Store.ListInvitationsAsync(restaurant.Id, later, default));
    }

    [Fact]
    public async Task Racing_invitations_never_pass_the_cap()
    {
        var (restaurant, _) = await CreatedAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Store.InviteAsync(NewInvitation(restaurant.Id), 4, T0, default)));
        Assert.Equal(4, results.Count(r => r == InvitationWrite.Done));
        Assert.All(results.Where(r => r != InvitationWrite.Done), r => Assert.Equal(InvitationWrite.TooMany, r));
        Assert.Equal(4, (await Store.ListInvitationsAsync(restaurant.Id, T0, default)).Count);

        var email = $"same-{Guid.NewGuid():N}@example.com";
        var (other, _) = await CreatedAsync();
        var same = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Store.InviteAsync(NewInvitation(other.Id, email), 50, T0, default)));
        Assert.Equal(1, same.Count(r => r == InvitationWrite.Done));
        Assert.All(same.Where(r => r != InvitationWrite.Done), r => Assert.Equal(InvitationWrite.AlreadyInvited, r));
        Assert.Single(await Store.ListInvitationsAsync(other.Id, T0, default));
    }

    [Fact]
    public async Task An_invitation_is_found_by_its_token_hash_until_withdrawn_and_withdrawing_makes_room()
    {
        var (restaurant, _) = await CreatedAsync();
        var (other, _) = await CreatedAsync();
        var invitation = NewInvitation(restaurant.Id, role: StaffRoles.Kitchen);
        var second = NewInvitation(restaurant.Id);
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(invitation, 2, T0, default));
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(second, 2, T0, default));
        Assert.Equal(invitation, await Store.FindInvitationAsync(invitation.TokenHash, default));
        Assert.Null(await Store.FindInvitationAsync("0" + invitation.TokenHash[1..] + "0", default));

        Assert.False(await Store.WithdrawAsync(other.Id, invitation.Id, default)); // not that restaurant's
        Assert.False(await Store.WithdrawAsync(restaurant.Id, "missing", default));
        Assert.True(await Store.WithdrawAsync(restaurant.Id, invitation.Id, default));
        Assert.False(await Store.WithdrawAsync(restaurant.Id, invitation.Id, default));
        Assert.Null(await Store.FindInvitationAsync(invitation.TokenHash, default));
        Assert.False(await Store.AcceptAsync(invitation, NewId(), T0, default));
        Assert.Equal([second], await Store.ListInvitationsAsync(restaurant.Id, T0, default));
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(NewInvitation(restaurant.Id, invitation.Email), 2, T0, default)); // room again, same email too
        Assert.Equal(InvitationWrite.TooMany, await Store.InviteAsync(NewInvitation(restaurant.Id), 2, T0, default));
    }

    [Fact]
    public async Task An_invitation_is_accepted_once_and_not_after_it_expired()
    {
        var (restaurant, owner) = await CreatedAsync();
        var invitation = NewInvitation(restaurant.Id, role: StaffRoles.Manager);
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(invitation, 1, T0, default));
        var joiner = NewId();
        var at = T0.AddDays(6);
        Assert.True(await Store.AcceptAsync(invitation, joiner, at, default));
        Assert.Equal(new Membership(restaurant.Id, joiner, StaffRoles.Manager, at), await Store.FindMemberAsync(restaurant.Id, joiner, default));
        Assert.False(await Store.AcceptAsync(invitation, joiner, at, default));
        Assert.False(await Store.AcceptAsync(invitation, NewId(), at, default));
        Assert.Null(await Store.FindInvitationAsync(invitation.TokenHash, default));
        Assert.Empty(await Store.ListInvitationsAsync(restaurant.Id, at, default));
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(NewInvitation(restaurant.Id), 1, at, default)); // spent: no longer counted

        var (other, _) = await CreatedAsync();
        var expiring = NewInvitation(other.Id);
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(expiring, 50, T0, default));
        var stranger = NewId();
        Assert.False(await Store.AcceptAsync(expiring, stranger, expiring.ExpiresAt, default));
        Assert.Null(await Store.FindMemberAsync(other.Id, stranger, default));
        Assert.Equal(expiring, await Store.FindInvitationAsync(expiring.TokenHash, default)); // found, expired: the caller says 404

        // Someone who is a member already keeps their role; an accepted OWNER invitation makes a real second owner.
        var again = NewInvitation(restaurant.Id, role: StaffRoles.Host);
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(again, 50, at, default));
        Assert.True(await Store.AcceptAsync(again, joiner, at, default));
        Assert.Equal(StaffRoles.Manager, (await Store.FindMemberAsync(restaurant.Id, joiner, default))?.Role);
        await JoinAsync(restaurant.Id, NewId(), StaffRoles.Owner, at);
        Assert.Equal(StaffWrite.Done, await Store.RemoveMemberAsync(restaurant.Id, owner, default));
    }

    [Fact]
    public async Task Of_two_racing_accepts_one_wins()
    {
        var (restaurant, _) = await CreatedAsync();
        var invitation = NewInvitation(restaurant.Id);
        Assert.Equal(InvitationWrite.Done, await Store.InviteAsync(invitation, 50, T0, default));
        var (a, b) = (NewId(), NewId());
        var results = await Task.WhenAll(Store.AcceptAsync(invitation, a, T0, default), Store.AcceptAsync(invitation, b, T0, default));
        Assert.Equal(1, results.Count(accepted => accepted));
        Assert.Equal(2, (await Store.ListStaffAsync(restaurant.Id, default)).Count);
    }
}
