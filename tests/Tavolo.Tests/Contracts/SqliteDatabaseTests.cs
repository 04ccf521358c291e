using System.Globalization;
using Microsoft.Data.Sqlite;
using Tavolo.Platform;
using Tavolo.Storage.Sqlite;

namespace Tavolo.Tests.Contracts;

public sealed class SqliteDatabaseTests(SqliteFixture sqlite) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task Every_connection_is_in_wal_mode_with_normal_sync_whether_fresh_or_pooled()
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
    public async Task Disposing_the_database_closes_its_idle_connections()
    {
        await using var folder = new TempDatabaseFolder();
        var database = await folder.OpenAsync();
        var connections = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => database.OpenAsync()));
        foreach (var connection in connections)
            await connection.DisposeAsync();
        Assert.All(connections, c => Assert.Equal(System.Data.ConnectionState.Open, c.State)); // idle in the pool
        await database.DisposeAsync();
        Assert.All(connections, c => Assert.Equal(System.Data.ConnectionState.Closed, c.State));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => database.OpenAsync());
    }

    [Fact]
    public async Task Checkpoints_run_on_a_loop_of_their_own_and_copy_the_wal_into_the_database_file()
    {
        await using var folder = new TempDatabaseFolder();
        await using var database = await folder.OpenAsync();
        await database.WriteAsync((c, t) => c.ExecuteAsync("CREATE TABLE blobs (b BLOB);", t), default);
        var before = new FileInfo(database.Path).Length;
        // ~6 MB in 30 commits: past the 1,000-page threshold (4 KiB pages) more than once.
        for (var i = 0; i < 30; i++)
        {
            await database.WriteAsync((c, t) => c.ExecuteAsync(
                "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 50) INSERT INTO blobs SELECT randomblob(4000) FROM k;", t), default);
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (database.Checkpoints == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(database.Checkpoints >= 1, "the checkpoint loop never ran");
        Assert.True(new FileInfo(database.Path).Length - before > 3_000_000, "the frames did not reach the database file");
        await using var reader = await database.OpenAsync();
        Assert.Equal(1500L, await reader.ScalarAsync("SELECT COUNT(*) FROM blobs;", default));
    }

    /// <summary>A database of its own in a temporary folder, deleted afterwards.</summary>
    private sealed class TempDatabaseFolder : IAsyncDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("tavolo-pool-").FullName;
        private SqliteDatabase? _database;

        public async Task<SqliteDatabase> OpenAsync()
        {
            var options = new TavoloOptions();
            options.Sqlite.Path = Path.Combine(_directory, "pool.db");
            _database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(options));
            await _database.MigrateAsync();
            return _database;
        }

        public async ValueTask DisposeAsync()
        {
            if (_database is not null)
                await _database.DisposeAsync(); // a second dispose does nothing
            Directory.Delete(_directory, recursive: true);
        }
    }
}
