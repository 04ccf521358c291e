using Microsoft.Data.Sqlite;
using Tavolo.Users;

namespace Tavolo.Storage.Sqlite;

public sealed class SqliteUserStore(SqliteDatabase database, TimeProvider clock) : IUserStore
{
    private const string Columns = "id, email, name, role, password_hash, created_at, updated_at";

    private readonly RowCache<string, User> _byId = new(clock); // every order reads its restaurant, every /users/me its caller

    public Task<UserWrite> CreateAsync(User user, CancellationToken cancellationToken) => _byId.ForgetAfter(user.Id,
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            try
            {
                await connection.ExecuteAsync(
                    $"INSERT INTO users ({Columns}, email_normalized) VALUES ($id, $email, $name, $role, $hash, $created, $updated, $normalized);",
                    cancellationToken, Parameters(user));
                return UserWrite.Done;
            }
            catch (SqliteException e) when (e.IsUniqueViolation())
            {
                return UserWrite.EmailTaken;
            }
        }, cancellationToken));

    public async Task<User?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (_byId.TryGet(id, out var cached))
            return cached;
        var version = _byId.Version;
        var user = await FindOneAsync($"SELECT {Columns} FROM users WHERE id = $id;", ("$id", id), cancellationToken);
        if (user is not null)
            _byId.Keep(id, user, version);
        return user;
    }

    public Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM users WHERE email_normalized = $email;", ("$email", Normalize(email)), cancellationToken);

    public async Task<IReadOnlyList<User>> ListAsync(string? role, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"""
            SELECT {Columns} FROM users
            WHERE ($role IS NULL OR role = $role) AND ($after IS NULL OR id > $after)
            ORDER BY id LIMIT $limit;
            """,
            Read, cancellationToken, ("$role", role), ("$after", afterId), ("$limit", limit));
    }

    public async Task<IReadOnlyList<User>> ListByNameAsync(
        string role, string? nameContains, (string Name, string Id)? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"""
            SELECT {Columns} FROM users
            WHERE role = $role AND ($q IS NULL OR instr(lower(name), lower($q)) > 0)
                AND ($afterName IS NULL OR (lower(name), id) > (lower($afterName), $afterId))
            ORDER BY lower(name), id LIMIT $limit;
            """,
            Read, cancellationToken, ("$role", role), ("$q", nameContains), ("$afterName", after?.Name), ("$afterId", after?.Id), ("$limit", limit));
    }

    public Task<UserWrite> UpdateAsync(User user, DateTime expectedUpdatedAt, CancellationToken cancellationToken) => _byId.ForgetAfter(user.Id,
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            try
            {
                var changed = await connection.ExecuteAsync(
                    """
                    UPDATE users SET email = $email, email_normalized = $normalized, name = $name, role = $role,
                        password_hash = $hash, updated_at = $updated
                    WHERE id = $id AND updated_at = $expected;
                    """,
                    cancellationToken, [.. Parameters(user), ("$expected", Sql.Time(expectedUpdatedAt))]);
                if (changed == 1)
                    return UserWrite.Done;
                return await connection.ScalarAsync("SELECT 1 FROM users WHERE id = $id;", cancellationToken, ("$id", user.Id)) is null
                    ? UserWrite.NotFound
                    : UserWrite.Conflict;
            }
            catch (SqliteException e) when (e.IsUniqueViolation())
            {
                return UserWrite.EmailTaken;
            }
        }, cancellationToken));

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => _byId.ForgetAfter(id,
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync("DELETE FROM users WHERE id = $id;", cancellationToken, ("$id", id)) == 1, cancellationToken));

    public async Task<bool> AnyWithRoleAsync(string role, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ScalarAsync("SELECT 1 FROM users WHERE role = $role LIMIT 1;", cancellationToken, ("$role", role)) is not null;
    }

    private async Task<User?> FindOneAsync(string sql, (string, object?) parameter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(sql, Read, cancellationToken, parameter);
        return rows.Count == 0 ? null : rows[0];
    }

    private static (string, object?)[] Parameters(User user) =>
    [
        ("$id", user.Id), ("$email", user.Email), ("$normalized", Normalize(user.Email)), ("$name", user.Name),
        ("$role", user.Role), ("$hash", user.PasswordHash), ("$created", Sql.Time(user.CreatedAt)), ("$updated", Sql.Time(user.UpdatedAt)),
    ];

    private static string Normalize(string email) => email.Trim().ToUpperInvariant();

    private static User Read(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetTime(5), r.GetTime(6));
}
