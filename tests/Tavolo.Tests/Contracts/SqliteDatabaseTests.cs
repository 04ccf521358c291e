using System.Globalization;
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
}
