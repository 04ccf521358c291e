using System.Security.Claims;

namespace Tavolo.Auth;

/// <summary>
/// The one check of a bearer token, shared by the app's authentication and the API Gateway authorizer:
/// a valid ES256 token from us (<see cref="Tokens"/>) whose session is still live, so that logout,
/// session delete, reuse detection and user deletion take effect on the very next request.
/// A token's signature is checked once and remembered for its lifetime (<see cref="ValidatedTokens"/>). Its session
/// is checked on every request: on a single process against <see cref="LiveSessions"/> (which every revocation writes
/// through, the database answering on a miss); with <paramref name="live"/> null (Lambda) by one read of the session.
/// See docs/security.md, "When a revocation takes effect".
/// </summary>
public sealed class Authenticator(Tokens tokens, ValidatedTokens validated, ISessionStore sessions, TimeProvider clock, LiveSessions? live = null)
{
    public async Task<ClaimsIdentity?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length > 4096)
            return null;
        var identity = validated.Find(token);
        if (identity is null)
        {
            if (await tokens.ValidateAsync(token) is not { } checkedIdentity)
                return null;
            validated.Add(token, checkedIdentity, tokens.ClockSkew);
            identity = checkedIdentity;
        }
        var userId = identity.FindFirst("sub")?.Value;
        var sessionId = identity.FindFirst("sid")?.Value;
        if (userId is null || sessionId is null)
            return null;
        return await IsLiveAsync(sessionId, userId, cancellationToken) ? identity : null;
    }

    /// <summary>Whether the session is still live for that user (the per-request half of the check; open streams repeat it).</summary>
    public async ValueTask<bool> IsLiveAsync(string sessionId, string userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (live is null)
            return await sessions.IsLiveAsync(sessionId, userId, now, cancellationToken);
        if (live.IsKnownLive(sessionId, userId, now))
            return true;
        var revocationsBefore = live.Revocations;
        if (await sessions.FindAsync(sessionId, cancellationToken) is not { } session || session.UserId != userId || !session.IsLive(now))
            return false;
        live.Remember(session, revocationsBefore);
        return true;
    }
}
