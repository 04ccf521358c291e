using System.Globalization;
using Microsoft.Data.Sqlite;
using Tavolo.Platform;
using Tavolo.Storage.Sqlite;

namespace Tavolo.Tests.Contracts;

public sealed class SqliteDatabaseTests(SqliteFixture sqlite) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task Every_connection_is_in_wal_mode_with_normal_sync_and_temp_in_memory_whether_fresh_or_pooled()
    {
        // Several rounds of concurrent opens: new native connections, then pooled ones handed out again.
        for (var round = 0; round < 3; round++)
        {
            var connections = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => sqlite.Database.OpenAsync()));
            foreach (var connection in connections)
            {
                await using var _ = connection;
                Assert.Equal("wal", Convert.ToString(await connection.ScalarAsync("PRAGMA journal_mode;", default), CultureInfo.InvariantCulture));
                Assert.Equal(1L, await connection.ScalarAsync("PRAGMA synchronous;", default)); // 1 = NORMAL
                Assert.Equal(2L, await connection.ScalarAsync("PRAGMA temp_store;", default)); // 2 = MEMORY: no statement journal file per batch
            }
        }
    }

    [Fact]
    public async Task Migrations_run_once_however_often_start_up_happens()
    {
        await Task.WhenAll(sqlite.Database.MigrateAsync(), sqlite.Database.MigrateAsync());
        await using var connection = await sqlite.Database.OpenAsync();
        Assert.Equal((long)SqliteMigrations.All.Count, await connection.ScalarAsync("SELECT COUNT(*) FROM schema_migrations;", default));
    }

    [Fact]
    public async Task A_connection_given_back_is_handed_out_again_with_its_statements_prepared()
    {
        SqliteConnection first;
        await using (first = await sqlite.Database.OpenAsync())
            Assert.Equal(1L, await first.ScalarAsync("SELECT $n;", default, ("$n", 1)));
        var kept = ((PooledConnection)first).PreparedStatements;
        for (var i = 2; i < 50; i++)
        {
            await using var again = await sqlite.Database.OpenAsync();
            Assert.Same(first, again);
            Assert.Equal((long)i, await again.ScalarAsync("SELECT $n;", default, ("$n", i))); // new parameters each time
        }
        Assert.Equal(kept, ((PooledConnection)first).PreparedStatements);
    }

    [Fact]
    public async Task Idle_connections_hold_no_read_transaction_so_a_checkpoint_empties_the_wal()
    {
        await sqlite.Database.WriteAsync((c, t) => c.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS idle_rows (n INTEGER); WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 500) INSERT INTO idle_rows SELECT n FROM k;", t), default);
        // A scalar reads one row of many, a query reads to its end, a statement fails: none may
        // leave its statement stepping (a read transaction that pins the WAL).
        var open = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => sqlite.Database.OpenAsync()));
        foreach (var connection in open)
        {
            await connection.ScalarAsync("SELECT n FROM idle_rows ORDER BY n;", default);
            await connection.QueryAsync("SELECT n FROM idle_rows WHERE n < 10;", r => r.GetInt64(0), default);
            await Assert.ThrowsAsync<SqliteException>(() => connection.ScalarAsync("SELECT n / 0, no_such_function(n) FROM idle_rows;", default));
            await connection.DisposeAsync();
        }
        await using var checkpoint = await sqlite.Database.OpenAsync();
        var result = await checkpoint.QueryAsync("PRAGMA wal_checkpoint(TRUNCATE);", r => r.GetInt64(0), default);
        Assert.Equal(0L, result.Single()); // 0 = not blocked by any reader
        Assert.Equal(0, new FileInfo(sqlite.Database.Path + "-wal").Length);
    }

    [Fact]
    public async Task A_connection_given_back_inside_a_transaction_is_closed_not_reused()
    {
        var connection = await sqlite.Database.OpenAsync();
        await connection.ExecuteAsync("BEGIN;", default);
        await connection.DisposeAsync();
        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
        await using var next = await sqlite.Database.OpenAsync();
        Assert.NotSame(connection, next);
        Assert.Equal(1, SQLitePCL.raw.sqlite3_get_autocommit(next.Handle)); // not in a transaction
    }

    [Fact]
    public async Task A_burst_beyond_the_idle_bound_closes_the_connections_the_pool_cannot_keep()
    {
        var burst = await Task.WhenAll(Enumerable.Range(0, SqliteDatabase.MaxIdle + 8).Select(_ => sqlite.Database.OpenAsync()));
        Assert.Equal(burst.Length, burst.Distinct().Count()); // each operation had a connection of its own
        foreach (var connection in burst)
            await connection.DisposeAsync();
        Assert.True(burst.Count(c => c.State == System.Data.ConnectionState.Closed) >= 8, "the pool kept more than its bound");
        Assert.True(burst.Count(c => c.State == System.Data.ConnectionState.Open) <= SqliteDatabase.MaxIdle);
    }

    [Fact]
    public Task Disposing_the_database_closes_its_idle_connections() => InFreshFolderAsync(async options =>
    {
        var database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(options));
        await database.MigrateAsync();
        var connections = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => database.OpenAsync()));
        foreach (var connection in connections)
            await connection.DisposeAsync();
        Assert.All(connections, c => Assert.Equal(System.Data.ConnectionState.Open, c.State)); // idle in the pool
        await database.DisposeAsync();
        Assert.All(connections, c => Assert.Equal(System.Data.ConnectionState.Closed, c.State));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => database.OpenAsync());
    });

    [Theory]
    [InlineData(100, false)]
    [InlineData(100_000, true)]
    public Task Commits_checkpoint_after_the_configured_number_of_wal_pages(int pages, bool walGrows) => InFreshFolderAsync(async options =>
    {
        options.Sqlite.CheckpointPages = pages;
        await using var database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(options));
        await database.MigrateAsync();
        await using (var pooled = await database.OpenAsync())
            Assert.Equal((long)pages, await pooled.ScalarAsync("PRAGMA wal_autocheckpoint;", default));
        // The writer's commits never checkpoint inline (the database's own loop does, SqliteDatabase.Checkpoints.cs).
        Assert.Equal(0L, await database.WriteAsync((c, t) => c.ScalarAsync("PRAGMA wal_autocheckpoint;", t), default));
        await database.WriteAsync((c, t) => c.ExecuteAsync("CREATE TABLE pages (body BLOB);", t), default);
        var started = WalCheckpointSequence(options.Sqlite.Path);
        // 1,500 commits of a page each, 8 writers at a time (so the writer never pauses): past 1,000 and far past 100.
        await Parallel.ForAsync(0, 1500, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
            await database.WriteAsync((c, t) => c.ExecuteAsync("INSERT INTO pages VALUES (randomblob(3000));", t), default));
        var walPages = new FileInfo(options.Sqlite.Path + "-wal").Length / (4096 + 24);
        if (walGrows)
        {
            Assert.True(walPages > 1500, $"the WAL holds {walPages} pages: a checkpoint ran before {pages}");
            Assert.Equal(0, database.Checkpoints);
            Assert.Equal(started, WalCheckpointSequence(options.Sqlite.Path));
        }
        else
        {
            // Complete checkpoints happen while writes go on, and after each the WAL starts over: SQLite then rewrites its
            // header with the next checkpoint sequence number. How far the WAL grows before one completes is the machine's
            // (the threshold plus what the writer commits while a pass copies and fsyncs: 400-960 pages of these 1,500 on a
            // loaded machine, 1,558 once in CI, 1,971 with no checkpoint at all), so the file's size is not what is asserted.
            await Eventually.ReadAsync(async () =>
            {
                await database.WriteAsync((c, t) => c.ExecuteAsync("INSERT INTO pages VALUES (randomblob(3000));", t), default);
                return database.Checkpoints;
            }, count => count >= 2, TimeSpan.FromSeconds(30));
            await database.WriteAsync((c, t) => c.ExecuteAsync("INSERT INTO pages VALUES (randomblob(3000));", t), default);
            Assert.True(WalCheckpointSequence(options.Sqlite.Path) > started, $"the WAL ({walPages} pages after the burst) never started over");
        }
    });

    [Theory]
    [InlineData(99)]
    [InlineData(100_001)]
    public void A_checkpoint_setting_out_of_range_stops_the_start(int pages)
    {
        var options = new TavoloOptions();
        options.Sqlite.Path = Path.Combine(Path.GetTempPath(), $"tavolo-never-{Guid.NewGuid():N}", "never.db");
        options.Sqlite.CheckpointPages = pages;
        var error = Assert.Throws<InvalidOperationException>(() => new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(options)));
        Assert.Contains("Tavolo__Sqlite__CheckpointPages", error.Message);
        Assert.False(Directory.Exists(Path.GetDirectoryName(options.Sqlite.Path)), "nothing is created before the settings are checked");
    }

    /// <summary>The WAL header's checkpoint sequence number (big-endian at byte 12): SQLite advances it each time the WAL starts over.</summary>
    private static uint WalCheckpointSequence(string databasePath)
    {
        using var wal = new FileStream(databasePath + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[16];
        wal.ReadExactly(header);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
    }

    /// <summary>Runs <paramref name="test"/> on options whose database lives in a new temporary folder, removed afterwards.</summary>
    private static async Task InFreshFolderAsync(Func<TavoloOptions, Task> test)
    {
        var directory = Directory.CreateTempSubdirectory("tavolo-sqlite-").FullName;
        var options = new TavoloOptions();
        options.Sqlite.Path = Path.Combine(directory, "tavolo.db");
        try
        {
            await test(options);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
