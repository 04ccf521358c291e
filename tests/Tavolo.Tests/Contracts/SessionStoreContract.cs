using Tavolo.Auth;

namespace Tavolo.Tests.Contracts;

/// <summary>What every <see cref="ISessionStore"/> adapter must do. Subclasses supply the adapter.</summary>
public abstract class SessionStoreContract
{
    protected abstract ISessionStore Store { get; }

    private static readonly DateTime T0 = new(2026, 11, 23, 18, 4, 5, DateTimeKind.Utc);

    private static Session NewSession(string? userId = null, DateTime? createdAt = null) =>
        new(Guid.CreateVersion7().ToString("N"), userId ?? Guid.NewGuid().ToString("N"), createdAt ?? T0, createdAt ?? T0,
            (createdAt ?? T0).AddDays(30), null, "agent");

    private static string Hash() => Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_created_session_is_live_and_its_refresh_hash_points_at_it()
    {
        var session = NewSession();
        var hash = Hash();
        await Store.CreateAsync(session, hash, default);
        Assert.Equal(session, await Store.FindAsync(session.Id, default));
        Assert.Equal(new RefreshTokenRecord(session.Id, null), await Store.FindRefreshTokenAsync(hash, default));
        Assert.True(await Store.IsLiveAsync(session.Id, session.UserId, T0.AddMinutes(1), default));
        Assert.False(await Store.IsLiveAsync(session.Id, "someone-else", T0.AddMinutes(1), default));
        Assert.False(await Store.IsLiveAsync(session.Id, session.UserId, T0.AddDays(31), default));
        Assert.Null(await Store.FindRefreshTokenAsync(Hash(), default));
    }

    [Fact]
    public async Task A_refresh_hash_rotates_once_and_the_old_one_is_kept_as_spent()
    {
        var session = NewSession();
        var first = Hash();
        var second = Hash();
        await Store.CreateAsync(session, first, default);
        Assert.True(await Store.RotateAsync(session.Id, first, second, T0.AddHours(1), T0.AddDays(31), default));
        Assert.False(await Store.RotateAsync(session.Id, first, Hash(), T0.AddHours(2), T0.AddDays(31), default));
        Assert.Equal(new RefreshTokenRecord(session.Id, T0.AddHours(1)), await Store.FindRefreshTokenAsync(first, default));
        Assert.Equal(new RefreshTokenRecord(session.Id, null), await Store.FindRefreshTokenAsync(second, default));
        var rotated = await Store.FindAsync(session.Id, default);
        Assert.Equal(T0.AddHours(1), rotated!.LastUsedAt);
        Assert.Equal(T0.AddDays(31), rotated.ExpiresAt);
    }

    [Fact]
    public async Task Of_racing_rotations_of_one_hash_exactly_one_wins()
    {
        var session = NewSession();
        var first = Hash();
        await Store.CreateAsync(session, first, default);
        var wins = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Store.RotateAsync(session.Id, first, Hash(), T0.AddHours(1), T0.AddDays(31), default)));
        Assert.Equal(1, wins.Count(w => w));
    }

    [Fact]
    public async Task A_revoked_or_expired_session_does_not_rotate()
    {
        var revoked = NewSession();
        var hash = Hash();
        await Store.CreateAsync(revoked, hash, default);
        Assert.True(await Store.RevokeAsync(revoked.Id, revoked.UserId, T0.AddMinutes(1), default));
        Assert.False(await Store.RotateAsync(revoked.Id, hash, Hash(), T0.AddMinutes(2), T0.AddDays(31), default));
        Assert.False(await Store.IsLiveAsync(revoked.Id, revoked.UserId, T0.AddMinutes(2), default));

        var expired = NewSession();
        var expiredHash = Hash();
        await Store.CreateAsync(expired, expiredHash, default);
        Assert.False(await Store.RotateAsync(expired.Id, expiredHash, Hash(), T0.AddDays(31), T0.AddDays(61), default));
    }

    [Fact]
    public async Task Only_the_owner_revokes_a_session()
    {
        var session = NewSession();
        await Store.CreateAsync(session, Hash(), default);
        Assert.False(await Store.RevokeAsync(session.Id, "intruder", T0, default));
        Assert.True(await Store.IsLiveAsync(session.Id, session.UserId, T0, default));
        Assert.False(await Store.RevokeAsync("missing", session.UserId, T0, default));
    }

    [Fact]
    public async Task Revoke_all_spares_only_the_named_session_and_listing_shows_live_ones_newest_first()
    {
        var userId = Guid.NewGuid().ToString("N");
        var sessions = new[] { NewSession(userId, T0), NewSession(userId, T0.AddMinutes(1)), NewSession(userId, T0.AddMinutes(2)) };
        foreach (var s in sessions)
            await Store.CreateAsync(s, Hash(), default);
        var stranger = NewSession();
        await Store.CreateAsync(stranger, Hash(), default);

        var live = await Store.ListLiveAsync(userId, T0.AddMinutes(3), default);
        Assert.Equal(sessions.Reverse().Select(s => s.Id), live.Select(s => s.Id));

        await Store.RevokeAllAsync(userId, sessions[1].Id, T0.AddMinutes(5), default);
        Assert.Equal([sessions[1].Id], (await Store.ListLiveAsync(userId, T0.AddMinutes(6), default)).Select(s => s.Id));
        Assert.True(await Store.IsLiveAsync(stranger.Id, stranger.UserId, T0.AddMinutes(6), default));

        await Store.RevokeAllAsync(userId, null, T0.AddMinutes(7), default);
        Assert.Empty(await Store.ListLiveAsync(userId, T0.AddMinutes(8), default));
    }
}
