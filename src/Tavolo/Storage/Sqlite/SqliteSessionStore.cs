using Microsoft.Data.Sqlite;
using Tavolo.Auth;

namespace Tavolo.Storage.Sqlite;

public sealed class SqliteSessionStore(SqliteDatabase database) : ISessionStore
{
    private const string Columns = "id, user_id, created_at, last_used_at, expires_at, revoked_at, user_agent";

    public Task CreateAsync(Session session, string refreshTokenHash, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            await connection.ExecuteAsync(
                $"INSERT INTO sessions ({Columns}) VALUES ($id, $user, $created, $used, $expires, NULL, $agent);", cancellationToken,
                ("$id", session.Id), ("$user", session.UserId), ("$created", Sql.Time(session.CreatedAt)),
                ("$used", Sql.Time(session.LastUsedAt)), ("$expires", Sql.Time(session.ExpiresAt)), ("$agent", session.UserAgent));
            await connection.ExecuteAsync("INSERT INTO refresh_tokens (hash, session_id) VALUES ($hash, $id);", cancellationToken,
                ("$hash", refreshTokenHash), ("$id", session.Id));
        }, cancellationToken);

    public async Task<Session?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync($"SELECT {Columns} FROM sessions WHERE id = $id;", Read, cancellationToken, ("$id", sessionId));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<RefreshTokenRecord?> FindRefreshTokenAsync(string refreshTokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(
            "SELECT session_id, spent_at FROM refresh_tokens WHERE hash = $hash;",
            r => new RefreshTokenRecord(r.GetString(0), r.GetTimeOrNull(1)), cancellationToken, ("$hash", refreshTokenHash));
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<bool> RotateAsync(string sessionId, string oldHash, string newHash, DateTime now, DateTime expiresAt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            var spent = await connection.ExecuteAsync(
                """
                UPDATE refresh_tokens SET spent_at = $now
                WHERE hash = $old AND session_id = $id AND spent_at IS NULL
                  AND EXISTS (SELECT 1 FROM sessions WHERE id = $id AND revoked_at IS NULL AND expires_at > $now);
                """,
                cancellationToken, ("$old", oldHash), ("$id", sessionId), ("$now", Sql.Time(now)));
            if (spent != 1)
                return false;
            await connection.ExecuteAsync("INSERT INTO refresh_tokens (hash, session_id) VALUES ($hash, $id);", cancellationToken,
                ("$hash", newHash), ("$id", sessionId));
            await connection.ExecuteAsync("UPDATE sessions SET last_used_at = $now, expires_at = $expires WHERE id = $id;", cancellationToken,
                ("$now", Sql.Time(now)), ("$expires", Sql.Time(expiresAt)), ("$id", sessionId));
            return true;
        }, cancellationToken);

    public Task<bool> RevokeAsync(string sessionId, string userId, DateTime now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync(
                "UPDATE sessions SET revoked_at = COALESCE(revoked_at, $now) WHERE id = $id AND user_id = $user;", cancellationToken,
                ("$now", Sql.Time(now)), ("$id", sessionId), ("$user", userId)) == 1, cancellationToken);

    public Task RevokeAllAsync(string userId, string? exceptSessionId, DateTime now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            await connection.ExecuteAsync(
                "UPDATE sessions SET revoked_at = $now WHERE user_id = $user AND revoked_at IS NULL AND ($except IS NULL OR id <> $except);",
                cancellationToken, ("$now", Sql.Time(now)), ("$user", userId), ("$except", exceptSessionId));
        }, cancellationToken);

    public async Task<IReadOnlyList<Session>> ListLiveAsync(string userId, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {Columns} FROM sessions WHERE user_id = $user AND revoked_at IS NULL AND expires_at > $now ORDER BY created_at DESC, id DESC;",
            Read, cancellationToken, ("$user", userId), ("$now", Sql.Time(now)));
    }

    public async Task<bool> IsLiveAsync(string sessionId, string userId, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ScalarAsync(
            "SELECT 1 FROM sessions WHERE id = $id AND user_id = $user AND revoked_at IS NULL AND expires_at > $now;", cancellationToken,
            ("$id", sessionId), ("$user", userId), ("$now", Sql.Time(now))) is not null;
    }

    private static Session Read(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetTime(2), r.GetTime(3), r.GetTime(4), r.GetTimeOrNull(5), r.GetStringOrNull(6));
}
