using Tavolo.Users;

namespace Tavolo.Tests.Contracts;

/// <summary>What every <see cref="IUserStore"/> adapter must do. Subclasses supply the adapter.</summary>
public abstract class UserStoreContract
{
    protected abstract IUserStore Store { get; }

    private static readonly DateTime T0 = new(2026, 11, 23, 18, 4, 5, DateTimeKind.Utc);

    protected static User NewUser(string role = Roles.Customer, string? email = null) =>
        new(Guid.CreateVersion7().ToString("N"), email ?? $"u-{Guid.NewGuid():N}@example.com", "Name", role, "hash", T0, T0);

    [Fact]
    public async Task Created_users_are_found_by_id_and_by_email_in_any_case()
    {
        var user = NewUser();
        Assert.Equal(UserWrite.Done, await Store.CreateAsync(user, default));
        Assert.Equal(user, await Store.FindAsync(user.Id, default));
        Assert.Equal(user, await Store.FindByEmailAsync(user.Email.ToUpperInvariant(), default));
        Assert.Null(await Store.FindAsync("missing", default));
        Assert.Null(await Store.FindByEmailAsync("missing@example.com", default));
    }

    [Fact]
    public async Task The_directory_lists_one_role_by_name_filtered_and_paged()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var names = new[] { $"zeta {tag}", $"Alpha {tag}", $"beta|bar {tag}", $"ALPHA {tag}", $"Gamma {tag.ToUpperInvariant()}" };
        var owners = new List<User>();
        foreach (var name in names)
        {
            var owner = NewUser(Roles.Owner) with { Name = name };
            owners.Add(owner);
            await Store.CreateAsync(owner, default);
        }
        await Store.CreateAsync(NewUser(Roles.Customer) with { Name = $"Alpha {tag} customer" }, default);
        await Store.CreateAsync(NewUser(Roles.Owner) with { Name = "Unrelated" }, default);

        var expected = owners.OrderBy(o => o.Name.ToLowerInvariant(), StringComparer.Ordinal).ThenBy(o => o.Id, StringComparer.Ordinal).Select(o => o.Id).ToList();
        var seen = new List<string>();
        (string, string)? after = null;
        while (true)
        {
            var page = await Store.ListByNameAsync(Roles.Owner, tag.ToUpperInvariant(), after, 2, default);
            seen.AddRange(page.Select(u => u.Id));
            if (page.Count < 2) break;
            after = (page[^1].Name, page[^1].Id);
        }
        Assert.Equal(expected, seen);
        Assert.Empty(await Store.ListByNameAsync(Roles.Owner, "no such name " + tag, null, 10, default));
        Assert.Contains(await Store.ListByNameAsync(Roles.Owner, null, null, 1000, default), u => u.Name == "Unrelated");
    }

    [Fact]
    public async Task An_email_is_unique_regardless_of_case()
    {
        var user = NewUser();
        await Store.CreateAsync(user, default);
        var twin = NewUser(email: user.Email.ToUpperInvariant());
        Assert.Equal(UserWrite.EmailTaken, await Store.CreateAsync(twin, default));
        Assert.Null(await Store.FindAsync(twin.Id, default));
    }

    [Fact]
    public async Task Racing_registrations_of_one_email_create_exactly_one_user()
    {
        var email = $"race-{Guid.NewGuid():N}@example.com";
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Store.CreateAsync(NewUser(email: email), default)));
        Assert.Equal(1, results.Count(r => r == UserWrite.Done));
    }

    [Fact]
    public async Task An_update_wins_only_against_the_version_it_read()
    {
        var user = NewUser();
        await Store.CreateAsync(user, default);
        var first = user with { Name = "First", UpdatedAt = T0.AddSeconds(1) };
        var second = user with { Name = "Second", UpdatedAt = T0.AddSeconds(2) };
        Assert.Equal(UserWrite.Done, await Store.UpdateAsync(first, user.UpdatedAt, default));
        Assert.Equal(UserWrite.Conflict, await Store.UpdateAsync(second, user.UpdatedAt, default));
        Assert.Equal("First", (await Store.FindAsync(user.Id, default))!.Name);
    }

    [Fact]
    public async Task Updating_to_a_taken_email_or_a_missing_user_fails_cleanly()
    {
        var ann = NewUser();
        var bob = NewUser();
        await Store.CreateAsync(ann, default);
        await Store.CreateAsync(bob, default);
        Assert.Equal(UserWrite.EmailTaken, await Store.UpdateAsync(ann with { Email = bob.Email.ToUpperInvariant(), UpdatedAt = T0.AddSeconds(1) }, T0, default));
        Assert.Equal(ann.Email, (await Store.FindAsync(ann.Id, default))!.Email);
        Assert.Equal(UserWrite.NotFound, await Store.UpdateAsync(NewUser(), T0, default));
    }

    [Fact]
    public async Task A_changed_email_frees_the_old_one()
    {
        var ann = NewUser();
        await Store.CreateAsync(ann, default);
        var newEmail = $"new-{Guid.NewGuid():N}@example.com";
        Assert.Equal(UserWrite.Done, await Store.UpdateAsync(ann with { Email = newEmail, UpdatedAt = T0.AddSeconds(1) }, T0, default));
        Assert.Equal(ann.Id, (await Store.FindByEmailAsync(newEmail, default))!.Id);
        Assert.Null(await Store.FindByEmailAsync(ann.Email, default));
        Assert.Equal(UserWrite.Done, await Store.CreateAsync(NewUser(email: ann.Email), default));
    }

    [Fact]
    public async Task Listing_pages_in_id_order_and_filters_by_role()
    {
        var role = Roles.Owner;
        var mine = new List<User>();
        for (var i = 0; i < 5; i++)
        {
            var user = NewUser(role);
            mine.Add(user);
            await Store.CreateAsync(user, default);
        }
        var seen = new List<User>();
        string? after = null;
        while (true)
        {
            var page = await Store.ListAsync(role, after, 2, default);
            Assert.True(page.Count <= 2);
            Assert.All(page, u => Assert.Equal(role, u.Role));
            seen.AddRange(page);
            if (page.Count < 2) break;
            after = page[^1].Id;
        }
        Assert.Equal(seen.OrderBy(u => u.Id, StringComparer.Ordinal).Select(u => u.Id), seen.Select(u => u.Id));
        Assert.Equal(seen.Count, seen.Select(u => u.Id).Distinct().Count());
        Assert.Subset(seen.Select(u => u.Id).ToHashSet(), mine.Select(u => u.Id).ToHashSet());
    }

    [Fact]
    public async Task Delete_removes_once_and_frees_the_email()
    {
        var user = NewUser();
        await Store.CreateAsync(user, default);
        Assert.True(await Store.DeleteAsync(user.Id, default));
        Assert.False(await Store.DeleteAsync(user.Id, default));
        Assert.Null(await Store.FindAsync(user.Id, default));
        Assert.Equal(UserWrite.Done, await Store.CreateAsync(NewUser(email: user.Email), default));
    }

    [Fact]
    public async Task Any_with_role_sees_admins()
    {
        await Store.CreateAsync(NewUser(Roles.Admin), default);
        Assert.True(await Store.AnyWithRoleAsync(Roles.Admin, default));
        Assert.False(await Store.AnyWithRoleAsync("nobody-has-this-role", default));
    }
}
