using Microsoft.Extensions.Options;
using Npgsql;
using Tavolo.Platform;
using Tavolo.PromoCodes;
using Tavolo.Storage.Postgres;
using Tavolo.Storage.Sqlite;
using Tavolo.Users;

namespace Tavolo.Tests.Contracts;

/// <summary>
/// A database made by the previous schema (the shipped migrations before menus) upgrades in place and keeps its data:
/// promo codes take their creator as their restaurant, old order lines read with their line totals.
/// </summary>
public sealed class SchemaUpgradeTests
{
    private const int MenusStep = 4; // SQLite's step that brought menus; PostgreSQL's is 2

    [Fact]
    public async Task An_sqlite_file_of_the_previous_schema_upgrades_and_keeps_its_data()
    {
        var directory = Directory.CreateTempSubdirectory("tavolo-upgrade-").FullName;
        try
        {
            var options = new TavoloOptions();
            options.Sqlite.Path = Path.Combine(directory, "tavolo.db");
            await using var database = new SqliteDatabase(Options.Create(options));
            await using (var connection = await database.OpenAsync())
            {
                // What the previous version's MigrateAsync left: steps 1–3 and their record, then a restaurant, a code, an order.
                await connection.ExecuteAsync("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);", default);
                foreach (var (version, sql) in SqliteMigrations.All.Where(m => m.Version < MenusStep))
                {
                    await connection.ExecuteAsync(sql, default);
                    await connection.ExecuteAsync("INSERT INTO schema_migrations VALUES ($v, '2026-11-01T00:00:00.0000000Z');", default, ("$v", version));
                }
                await connection.ExecuteAsync(
                    """
                    INSERT INTO users VALUES ('owner-1', 'o@example.com', 'O@EXAMPLE.COM', 'Vecchia Osteria', 'owner', 'hash', '2026-11-01T00:00:00.0000000Z', '2026-11-01T00:00:00.0000000Z');
                    INSERT INTO promo_codes (code, owner_id, created_by, discount_percentage, expires_at, description, max_redemptions, redemptions, created_at, updated_at)
                    VALUES ('OLD-CODE', 'customer-1', 'owner-1', 10, '2027-01-01T00:00:00.0000000Z', 'Before menus', 5, 1, '2026-11-01T00:00:00.0000000Z', '2026-11-01T00:00:00.0000000Z');
                    INSERT INTO orders VALUES ('0b6f3c1e-7a52-4c8e-9d1a-2f4b5c6d7e8f', 'customer-1', 'owner-1', 'PLACED',
                        '[{"name":"Margherita","quantity":2,"unitPrice":12.50}]', '25.00', 'OLD-CODE', 10, '2.50', '22.50',
                        '2026-11-01T00:00:00.0000000Z', '2026-11-01T00:00:00.0000000Z', 1);
                    """, default);
            }

            await database.MigrateAsync();

            var code = await new SqlitePromoCodeStore(database).FindAsync("OLD-CODE", null, default);
            Assert.Equal(("owner-1", 1, "Before menus"), (code!.RestaurantId, code.Redemptions, code.Description));
            Assert.Equal(PromoReason.WrongRestaurant, (await new SqlitePromoCodeStore(database).RedeemAsync("OLD-CODE", "customer-1", "o2", "owner-2", DateTime.UtcNow, default)).Refusal);
            var order = await new SqliteOrderStore(database, TimeProvider.System).FindAsync("0b6f3c1e-7a52-4c8e-9d1a-2f4b5c6d7e8f", "customer-1", default);
            var line = Assert.Single(order!.Items);
            Assert.Equal((null, "Margherita", 12.50m, 2, 25.00m), (line.MenuItemId, line.Name, line.UnitPrice, line.Quantity, line.LineTotal));
            Assert.Equal(22.50m, order.Total);
            Assert.Equal("owner-1", Assert.Single(await new SqliteUserStore(database, TimeProvider.System).ListByNameAsync(Roles.Owner, "osteria", null, 10, default)).Id);
            Assert.Empty(await new SqliteMenuStore(database, TimeProvider.System).ListAsync("owner-1", default));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_postgres_database_of_the_previous_schema_upgrades_and_keeps_its_data()
    {
        var connectionString = await Emulators.NewPostgresDatabaseAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            async Task Run(string sql)
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
            }
            await Run("CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL);");
            foreach (var (version, sql) in PostgresDatabase.Migrations.Where(m => m.Version < 2))
            {
                await Run(sql);
                await Run($"INSERT INTO schema_migrations VALUES ({version}, now());");
            }
            await Run("""
                INSERT INTO promo_codes (code, owner_id, created_by, discount_percentage, expires_at, description, max_redemptions, redemptions, created_at, updated_at)
                VALUES ('OLD-CODE', 'customer-1', 'owner-1', 10, '2027-01-01T00:00:00Z', 'Before menus', NULL, 3, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
                """);
        }
        var options = new TavoloOptions();
        options.PromoCodes.ConnectionString = connectionString;
        await using var database = new PostgresDatabase(Options.Create(options));
        await database.MigrateAsync();

        var store = new PostgresPromoCodeStore(database);
        var code = await store.FindAsync("OLD-CODE", "owner-1", default);
        Assert.Equal(("owner-1", 3, "Before menus"), (code!.RestaurantId, code.Redemptions, code.Description));
        Assert.Equal(["OLD-CODE"], (await store.ListAsync(new PromoCodeFilter(RestaurantId: "owner-1"), null, 10, DateTime.UtcNow, default)).Select(c => c.Code));
    }
}
