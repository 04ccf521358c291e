using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// The embedded database: one file in WAL mode, pooled connections for reads (one per operation, so concurrent
/// requests read in parallel; each keeps its prepared statements, <see cref="PooledConnection"/>), one writer loop on
/// a connection of its own that commits the writes waiting at that moment together (<see cref="WriteAsync{T}"/>, group
/// commit: one transaction and one WAL commit for many writes), and numbered migrations applied at start-up. Other
/// processes on the same file meet SQLite's lock and its busy timeout.
/// </summary>
public sealed partial class SqliteDatabase : IDisposable, IAsyncDisposable
{
    /// <summary>Idle connections kept open; more are opened under a burst and closed when they come back.</summary>
    public const int MaxIdle = 32;

    private readonly string _connectionString;
    private readonly int _checkpointPages;
    private readonly ConcurrentStack<PooledConnection> _idle = new(); // last in, first out: the warmest caches
    private int _idleCount;

    public SqliteDatabase(IOptions<TavoloOptions> options)
    {
        Path = System.IO.Path.GetFullPath(options.Value.Sqlite.Path);
        _checkpointPages = options.Value.Sqlite.CheckpointPages is >= 100 and <= 100_000 and var pages
            ? pages
            : throw new InvalidOperationException($"Tavolo__Sqlite__CheckpointPages must be 100 to 100000, not {options.Value.Sqlite.CheckpointPages}.");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        FileModes.CreateOwnerOnly(Path); // SQLite creates the WAL and SHM files with the database file's mode
        foreach (var file in (ReadOnlySpan<string>)[Path, Path + "-wal", Path + "-shm"])
            FileModes.Tighten(file);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false, // this class pools (PooledConnection); a connection it closes is closed
            ForeignKeys = true,
            DefaultTimeout = 30, // seconds a command waits on a locked database before failing
        }.ToString();
        StartWriter();
    }

    public string Path { get; }

    /// <summary>An open connection from the pool; disposing it gives it back.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryPop(out var idle))
        {
            Interlocked.Decrement(ref _idleCount);
            return idle;
        }
        return await OpenNewAsync(cancellationToken);
    }

    private async Task<PooledConnection> OpenNewAsync(CancellationToken cancellationToken)
    {
        var connection = new PooledConnection(this, _connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // WAL + NORMAL: a commit survives a process crash; only an OS crash or power loss can roll back the
            // last commits (never corrupt). It saves an fsync per commit, which is most of a small write's cost.
            await connection.ExecuteAsync("PRAGMA synchronous = NORMAL;", cancellationToken);
            // The writer's savepoints keep a statement journal; SQLite's default puts it in a file under /var/tmp that
            // every batch creates, writes, unlinks and closes. Memory does the same job (a batch's undo is small).
            await connection.ExecuteAsync("PRAGMA temp_store = MEMORY;", cancellationToken);
            // Per connection; the writer's commits are the ones that meet it (the others only read, or migrate).
            await connection.ExecuteAsync($"PRAGMA wal_autocheckpoint = {_checkpointPages};", cancellationToken);
            return connection;
        }
        catch
        {
            CloseForGood(connection);
            throw;
        }
    }

    /// <summary>Takes a disposed connection back, open, if it is fit to reuse and there is room; false: close it.</summary>
    internal bool TryReturn(PooledConnection connection)
    {
        if (_disposed || connection == _writerConnection || connection.State != System.Data.ConnectionState.Open || connection.InTransaction)
            return false;
        if (Interlocked.Increment(ref _idleCount) > MaxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            return false;
        }
        _idle.Push(connection);
        if (_disposed)
            CloseIdle(); // disposed meanwhile: nothing may stay open after Dispose
        return true;
    }

    private void CloseIdle()
    {
        while (_idle.TryPop(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            CloseForGood(connection);
        }
    }

    private static void CloseForGood(PooledConnection connection) => connection.Dispose(); // the pool refuses it once disposed or not open

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
        _checkpointer.Wait(TimeSpan.FromSeconds(30));
        CloseIdle();
    }

    public async ValueTask DisposeAsync()
    {
        StopWriter();
        await _writer.WaitAsync(TimeSpan.FromSeconds(30));
        await _checkpointer.WaitAsync(TimeSpan.FromSeconds(30));
        CloseIdle();
    }

    private void StopWriter()
    {
        _disposed = true;
        _writes.Writer.TryComplete();
        if (Interlocked.Exchange(ref _checkpointState, Copying) != Copying)
            _checkpointDue.Release(); // to see the disposal and end (unless a pass is running: it ends after it)
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return Convert.ToInt32(await connection.ScalarAsync("SELECT 1;", cancellationToken), CultureInfo.InvariantCulture) == 1;
    }
}

/// <summary>
/// Small helpers that keep adapter SQL short and always parameterised. On a <see cref="PooledConnection"/> they run the
/// statement it has prepared for that text already; on any other connection a new command.
/// </summary>
public static class Sql
{
    public static Task<int> ExecuteAsync(this SqliteConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters) =>
        connection.RunAsync(sql, parameters, 0, static (command, _, token) => command.ExecuteNonQueryAsync(token), cancellationToken);

    public static Task<object?> ScalarAsync(this SqliteConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters) =>
        connection.RunAsync(sql, parameters, 0, static (command, _, token) => command.ExecuteScalarAsync(token), cancellationToken);

    /// <summary>Reads every row with <paramref name="map"/>.</summary>
    public static Task<List<T>> QueryAsync<T>(this SqliteConnection connection, string sql, Func<SqliteDataReader, T> map,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        connection.RunAsync(sql, parameters, map, static async (command, map, token) =>
        {
            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(token);
            while (await reader.ReadAsync(token))
                rows.Add(map(reader));
            return rows;
        }, cancellationToken);

    /// <summary>
    /// The one place a command is rented, run and given back (kept if it ran to the end, dropped if it threw); with
    /// OpenTelemetry on, each command is a span ("SELECT sqlite") with its SQL text (parameters, never values).
    /// </summary>
    private static async Task<T> RunAsync<TState, T>(this SqliteConnection connection, string sql, (string Name, object? Value)[] parameters,
        TState state, Func<SqliteCommand, TState, CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.StartStoreCall("sqlite", Operation(sql));
        activity?.SetTag("db.query.text", sql);
        var command = connection.Rent(sql, parameters);
        var succeeded = false;
        try
        {
            var result = await run(command, state, cancellationToken);
            succeeded = true;
            return result;
        }
        catch (Exception e)
        {
            activity.Failed(e);
            throw;
        }
        finally
        {
            connection.Return(command, succeeded);
        }
    }

    /// <summary>The statement's first keyword (<c>SELECT</c>, <c>INSERT</c>, …), read only when a span is recorded.</summary>
    private static string Operation(string sql)
    {
        if (!Telemetry.Source.HasListeners())
            return "";
        var text = sql.AsSpan().TrimStart();
        var end = text.IndexOfAny(' ', '\n', '\r');
        return (end < 0 ? text : text[..end]).ToString().ToUpperInvariant();
    }

    private static SqliteCommand Rent(this SqliteConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        SqliteCommand command;
        if (connection is PooledConnection pooled)
        {
            command = pooled.Rent(sql);
        }
        else
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
        }
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static void Return(this SqliteConnection connection, SqliteCommand command, bool succeeded)
    {
        if (connection is PooledConnection pooled)
            pooled.Return(command, succeeded);
        else
            command.Dispose();
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
