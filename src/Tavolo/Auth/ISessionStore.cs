namespace Tavolo.Auth;

/// <summary>A signed-in device: a refresh-token chain and every access token minted from it.</summary>
public sealed record Session(
    string Id, string UserId, DateTime CreatedAt, DateTime LastUsedAt, DateTime ExpiresAt, DateTime? RevokedAt, string? UserAgent)
{
    public bool IsLive(DateTime now) => RevokedAt is null && ExpiresAt > now;
}

/// <summary>What a refresh token hash points at; <c>SpentAt</c> is when it was rotated away (null while live).</summary>
public sealed record RefreshTokenRecord(string SessionId, DateTime? SpentAt)
{
    public bool Spent => SpentAt is not null;
}

/// <summary>The sessions port. Refresh tokens are handed in and looked up only as hashes.</summary>
public interface ISessionStore
{
    Task CreateAsync(Session session, string refreshTokenHash, CancellationToken cancellationToken);

    Task<Session?> FindAsync(string sessionId, CancellationToken cancellationToken);

    Task<RefreshTokenRecord?> FindRefreshTokenAsync(string refreshTokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Spends <paramref name="oldHash"/> and makes <paramref name="newHash"/> the session's live token, only if the
    /// old one is unspent and the session is live (a conditional write: of two racing refreshes one wins).
    /// </summary>
    Task<bool> RotateAsync(string sessionId, string oldHash, string newHash, DateTime now, DateTime expiresAt, CancellationToken cancellationToken);

    /// <summary>Revokes one session, only if it belongs to <paramref name="userId"/>; false when there is none such.</summary>
    Task<bool> RevokeAsync(string sessionId, string userId, DateTime now, CancellationToken cancellationToken);

    /// <summary>Revokes every live session of a user except <paramref name="exceptSessionId"/>.</summary>
    Task RevokeAllAsync(string userId, string? exceptSessionId, DateTime now, CancellationToken cancellationToken);

    Task<IReadOnlyList<Session>> ListLiveAsync(string userId, DateTime now, CancellationToken cancellationToken);

    /// <summary>The check every authenticated request makes: is this session of this user still live?</summary>
    Task<bool> IsLiveAsync(string sessionId, string userId, DateTime now, CancellationToken cancellationToken);
}
