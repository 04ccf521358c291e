using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.Auth;

/// <summary>Sign-in, refresh with rotation and reuse detection, sign-out.</summary>
public sealed partial class SessionService(
    IUserStore users, ISessionStore sessions, Passwords passwords, Tokens tokens,
    IOptions<TavoloOptions> options, TimeProvider clock, ILogger<SessionService> logger)
{
    private TimeSpan RefreshLifetime => TimeSpan.FromDays(options.Value.Auth.RefreshTokenDays);

    /// <summary>Checks the password and opens a session; null for a wrong email or password (indistinguishably).</summary>
    public async Task<TokensResponse?> LoginAsync(string email, string password, string? userAgent, CancellationToken cancellationToken)
    {
        var user = await users.FindByEmailAsync(email, cancellationToken);
        if (user is null)
        {
            passwords.VerifyNothing(password);
            return null;
        }
        var (valid, needsRehash) = passwords.Verify(password, user.PasswordHash);
        if (!valid)
            return null;
        if (needsRehash)
        {
            var upgraded = user with { PasswordHash = passwords.Hash(password) };
            await users.UpdateAsync(upgraded, user.UpdatedAt, cancellationToken); // best effort: retried at the next login
        }
        return await StartAsync(user, userAgent, cancellationToken);
    }

    public async Task<TokensResponse> StartAsync(User user, string? userAgent, CancellationToken cancellationToken)
    {
        var now = Now;
        var session = new Session(Ids.New(), user.Id, now, now, now + RefreshLifetime, null, Truncate(userAgent));
        var refreshToken = NewRefreshToken();
        await sessions.CreateAsync(session, Hash(refreshToken), cancellationToken);
        return Respond(user, session.Id, refreshToken);
    }

    /// <summary>How long after its rotation a spent refresh token is taken for a race (two tabs, a retry), not a theft.</summary>
    public static readonly TimeSpan ReuseGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Spends a refresh token and returns a fresh pair. A token that was already spent means it leaked (or two
    /// clients share it): the whole session is revoked, so the thief's copy dies with the owner's — except within
    /// <see cref="ReuseGrace"/> of its rotation, when the loser of a race gets 401 alone and the winner's pair stays good.
    /// </summary>
    public async Task<TokensResponse?> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var oldHash = Hash(refreshToken);
        var record = await sessions.FindRefreshTokenAsync(oldHash, cancellationToken);
        if (record is null)
            return null;
        var session = await sessions.FindAsync(record.SessionId, cancellationToken);
        if (session is null || !session.IsLive(Now))
            return null;
        if (record.SpentAt is { } spentAt)
        {
            await RefuseReplayAsync(session, spentAt, cancellationToken);
            return null;
        }
        var user = await users.FindAsync(session.UserId, cancellationToken);
        if (user is null)
            return null;

        var newToken = NewRefreshToken();
        var now = Now;
        if (!await sessions.RotateAsync(session.Id, oldHash, Hash(newToken), now, now + RefreshLifetime, cancellationToken))
        {
            // Lost a race with another refresh of the same token (or the session ended meanwhile).
            if (await sessions.FindRefreshTokenAsync(oldHash, cancellationToken) is { SpentAt: { } racedAt })
                await RefuseReplayAsync(session, racedAt, cancellationToken);
            return null;
        }
        return Respond(user, session.Id, newToken);
    }

    public async Task LogoutAsync(string refreshToken, CancellationToken cancellationToken)
    {
        if (await sessions.FindRefreshTokenAsync(Hash(refreshToken), cancellationToken) is { } record
            && await sessions.FindAsync(record.SessionId, cancellationToken) is { } session)
        {
            await sessions.RevokeAsync(session.Id, session.UserId, Now, cancellationToken);
        }
    }

    private async Task RefuseReplayAsync(Session session, DateTime spentAt, CancellationToken cancellationToken)
    {
        if (Now - spentAt > ReuseGrace)
            await RevokeForReuseAsync(session, cancellationToken);
    }

    private async Task RevokeForReuseAsync(Session session, CancellationToken cancellationToken)
    {
        await sessions.RevokeAsync(session.Id, session.UserId, Now, cancellationToken);
        LogReuse(logger, session.Id, session.UserId);
    }

    private TokensResponse Respond(User user, string sessionId, string refreshToken) => new(
        tokens.CreateAccessToken(user, sessionId), "Bearer", (int)tokens.AccessTokenLifetime.TotalSeconds,
        refreshToken, (int)RefreshLifetime.TotalSeconds, sessionId);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>256 random bits; only its SHA-256 is stored (a high-entropy secret needs no slow hash).</summary>
    private static string NewRefreshToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static string Hash(string refreshToken) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));

    private static string? Truncate(string? userAgent) => userAgent is { Length: > 256 } ? userAgent[..256] : userAgent;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refresh token reuse: session {SessionId} of user {UserId} revoked")]
    private static partial void LogReuse(ILogger logger, string sessionId, string userId);
}
