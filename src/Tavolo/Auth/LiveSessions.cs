using System.Collections.Concurrent;

namespace Tavolo.Auth;

/// <summary>
/// The sessions this process has seen live, so that a bearer request needs no database read on a single process
/// (<c>Tavolo__Hosting=local</c>). Exact, because every revocation in the process writes through it
/// (<see cref="RevocationWriteThrough"/>): the database write commits, then the entry goes; a lookup that raced
/// with a revocation (read the row before the commit, would add it after) is not added, by the revocation counter.
/// A miss asks the database. Not used on Lambda, where other processes revoke: there every request reads the session.
/// </summary>
public sealed class LiveSessions(int capacity = LiveSessions.DefaultCapacity)
{
    public const int DefaultCapacity = 16_384;

    private readonly ConcurrentDictionary<string, (string UserId, DateTime ExpiresAt)> _live = new(StringComparer.Ordinal);
    private readonly Lock _writes = new();
    private long _revocations;

    public int Count => _live.Count;

    /// <summary>How many revocations have happened so far: read before the database lookup, handed to <see cref="Remember"/>.</summary>
    public long Revocations => Interlocked.Read(ref _revocations);

    public bool IsKnownLive(string sessionId, string userId, DateTime now) =>
        _live.TryGetValue(sessionId, out var session) && session.UserId == userId && session.ExpiresAt > now;

    /// <summary>Caches a session the database just found live, unless a revocation happened since <paramref name="revocationsBefore"/>.</summary>
    public void Remember(Session session, long revocationsBefore)
    {
        lock (_writes)
        {
            if (_revocations != revocationsBefore)
                return;
            if (_live.Count >= capacity)
                _live.Clear(); // bounded; the next requests read the database again
            _live[session.Id] = (session.UserId, session.ExpiresAt);
        }
    }

    /// <summary>After a session's revocation committed.</summary>
    public void Forget(string sessionId)
    {
        lock (_writes)
        {
            _revocations++;
            _live.TryRemove(sessionId, out _);
        }
    }

    /// <summary>After the revocation of every session of a user (but <paramref name="exceptSessionId"/>) committed.</summary>
    public void ForgetUser(string userId, string? exceptSessionId)
    {
        lock (_writes)
        {
            _revocations++;
            foreach (var (id, session) in _live)
            {
                if (session.UserId == userId && id != exceptSessionId)
                    _live.TryRemove(id, out _);
            }
        }
    }
}

/// <summary>The sessions port with every revocation written through to <see cref="LiveSessions"/> (after the database, even when it throws).</summary>
public sealed class RevocationWriteThrough(ISessionStore inner, LiveSessions live) : ISessionStore
{
    public Task CreateAsync(Session session, string refreshTokenHash, CancellationToken cancellationToken) =>
        inner.CreateAsync(session, refreshTokenHash, cancellationToken);

    public Task<Session?> FindAsync(string sessionId, CancellationToken cancellationToken) => inner.FindAsync(sessionId, cancellationToken);

    public Task<RefreshTokenRecord?> FindRefreshTokenAsync(string refreshTokenHash, CancellationToken cancellationToken) =>
        inner.FindRefreshTokenAsync(refreshTokenHash, cancellationToken);

    public Task<bool> RotateAsync(string sessionId, string oldHash, string newHash, DateTime now, DateTime expiresAt, CancellationToken cancellationToken) =>
        inner.RotateAsync(sessionId, oldHash, newHash, now, expiresAt, cancellationToken); // only lengthens a session: a cached earlier expiry errs short

    public async Task<bool> RevokeAsync(string sessionId, string userId, DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.RevokeAsync(sessionId, userId, now, cancellationToken);
        }
        finally
        {
            live.Forget(sessionId);
        }
    }

    public async Task RevokeAllAsync(string userId, string? exceptSessionId, DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            await inner.RevokeAllAsync(userId, exceptSessionId, now, cancellationToken);
        }
        finally
        {
            live.ForgetUser(userId, exceptSessionId);
        }
    }

    public Task<IReadOnlyList<Session>> ListLiveAsync(string userId, DateTime now, CancellationToken cancellationToken) =>
        inner.ListLiveAsync(userId, now, cancellationToken);

    public Task<bool> IsLiveAsync(string sessionId, string userId, DateTime now, CancellationToken cancellationToken) =>
        inner.IsLiveAsync(sessionId, userId, now, cancellationToken);
}
