namespace Tavolo.Storage.Sqlite;

/// <summary>The schema, as numbered steps. Never edit a shipped step: add the next one.</summary>
public static class SqliteMigrations
{
    public static readonly IReadOnlyList<(int Version, string Sql)> All =
    [
        (1, """
            CREATE TABLE users (
                id               TEXT PRIMARY KEY,
                email            TEXT NOT NULL,
                email_normalized TEXT NOT NULL UNIQUE,
                name             TEXT NOT NULL,
                role             TEXT NOT NULL,
                password_hash    TEXT NOT NULL,
                created_at       TEXT NOT NULL,
                updated_at       TEXT NOT NULL
            );
            CREATE INDEX users_by_role ON users (role, id);

            CREATE TABLE sessions (
                id           TEXT PRIMARY KEY,
                user_id      TEXT NOT NULL,
                created_at   TEXT NOT NULL,
                last_used_at TEXT NOT NULL,
                expires_at   TEXT NOT NULL,
                revoked_at   TEXT,
                user_agent   TEXT
            );
            CREATE INDEX sessions_by_user ON sessions (user_id);

            -- Refresh tokens only as SHA-256 hashes; a spent one is kept (until its session ends) to detect reuse.
            CREATE TABLE refresh_tokens (
                hash       TEXT PRIMARY KEY,
                session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                spent_at   TEXT
            );
            CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
            """),
    ];
}
