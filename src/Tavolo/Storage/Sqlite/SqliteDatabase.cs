using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// The embedded database: one file in WAL mode, pooled connections for reads (one per operation, so concurrent
/// requests read in parallel), one writer loop that commits the writes waiting at that moment together
/// (<see cref="WriteAsync{T}"/>, group commit: one transaction and one WAL commit for many writes), and numbered
/// migrations applied at start-up. Other processes on the same file meet SQLite's lock and its busy timeout.
/// </summary>
public sealed partial class SqliteDatabase : IDisposable, IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();

    public SqliteDatabase(IOptions<TavoloOptions> options)
    {
        Path = System.IO.Path.GetFullPath(options.Value.Sqlite.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        FileModes.CreateOwnerOnly(Path); // SQLite creates the WAL and SHM files with the database file's mode
        foreach (var file in (ReadOnlySpan<string>)[Path, Path + "-wal", Path + "-shm"])
            FileModes.Tighten(file);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30, // seconds a command waits on a locked database before failing
        }.ToString();
        StartWriter();
    }

    public string Path { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // WAL + NORMAL: a commit survives a process crash; only an OS crash or power loss can roll back the
        // last commits (never corrupt). It saves an fsync per commit, which is most of a small write's cost.
        // The setting lives on the pooled native connection, so it is made once per native connection.
        if (connection.Handle is { } handle && !_configured.TryGetValue(handle, out _))
        {
            await connection.ExecuteAsync("PRAGMA synchronous = NORMAL;", cancellationToken);
            _configured.AddOrUpdate(handle, handle);
        }
        return connection;
    }

    /// <summary>Applies the migrations this file has not seen yet; safe for two processes starting at once.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);",
            cancellationToken);

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var current = Convert.ToInt32(
            await connection.ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", cancellationToken),
            CultureInfo.InvariantCulture);
        foreach (var (version, sql) in SqliteMigrations.All.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            await connection.ExecuteAsync(sql, cancellationToken);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($v, $at);", cancellationToken,
                ("$v", version), ("$at", Sql.Time(DateTime.UtcNow)));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Lets the batch in flight commit; writes still queued fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        StopWriter();
        _writer.Wait(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        StopWriter();
        await _writer.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private void StopWriter()
    {
        _disposed = true;
        _writes.Writer.TryComplete();
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return Convert.ToInt32(await connection.ScalarAsync("SELECT 1;", cancellationToken), CultureInfo.InvariantCulture) == 1;
    }
}

/// <summary>Small helpers that keep adapter SQL short and always parameterised.</summary>
public static class Sql
{
    public static SqliteCommand Command(this SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static async Task<int> ExecuteAsync(this SqliteConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(this SqliteConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Reads every row with <paramref name="map"/>.</summary>
    public static async Task<List<T>> QueryAsync<T>(this SqliteConnection connection, string sql, Func<SqliteDataReader, T> map,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(map(reader));
        return rows;
    }

    /// <summary>Timestamps are stored as <see cref="SortableTime"/> text, so that text order is time order.</summary>
    public static string Time(DateTime value) => SortableTime.Format(value);

    public static string? Time(DateTime? value) => value is { } v ? Time(v) : null;

    public static DateTime GetTime(this SqliteDataReader reader, int ordinal) =>
        SortableTime.Parse(reader.GetString(ordinal));

    public static DateTime? GetTimeOrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetTime(ordinal);

    public static string? GetStringOrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>SQLITE_CONSTRAINT (unique or primary key) — the write lost to an existing row.</summary>
    public static bool IsUniqueViolation(this SqliteException exception) => exception.SqliteErrorCode == 19;
}
