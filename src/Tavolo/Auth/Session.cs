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
