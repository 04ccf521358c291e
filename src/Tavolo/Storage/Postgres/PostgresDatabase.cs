using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using Tavolo.Platform;

namespace Tavolo.Storage.Postgres;

/// <summary>
/// The promo-code back office on PostgreSQL (Aurora PostgreSQL-compatible): a pooled data source and numbered
/// migrations applied at start-up under an advisory lock, so that concurrent cold starts apply each once.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    /// <summary>The schema, as numbered steps. Never edit a shipped step: add the next one.</summary>
    public static readonly (int Version, string Sql)[] Migrations =
    [
        (1, """
            CREATE TABLE promo_codes (
                code                text PRIMARY KEY,
                owner_id            text NOT NULL,
                created_by          text NOT NULL,
                discount_percentage integer NOT NULL CHECK (discount_percentage BETWEEN 1 AND 100),
                expires_at          timestamptz NOT NULL,
                description         text NOT NULL,
                max_redemptions     integer CHECK (max_redemptions >= 1),
                redemptions         integer NOT NULL DEFAULT 0,
                created_at          timestamptz NOT NULL,
                updated_at          timestamptz NOT NULL
            );
            CREATE INDEX promo_codes_by_created ON promo_codes (created_at, code);
            CREATE INDEX promo_codes_by_expiry ON promo_codes (expires_at, code);
            CREATE INDEX promo_codes_by_discount ON promo_codes (discount_percentage, code);
            CREATE INDEX promo_codes_by_creator ON promo_codes (created_by, created_at, code);
            CREATE INDEX promo_codes_by_creator_expiry ON promo_codes (created_by, expires_at, code);
            CREATE INDEX promo_codes_by_creator_discount ON promo_codes (created_by, discount_percentage, code);
            CREATE INDEX promo_codes_by_owner ON promo_codes (owner_id, created_at, code);
            CREATE TABLE promo_redemptions (
                code        text NOT NULL REFERENCES promo_codes (code) ON DELETE CASCADE,
                order_id    text NOT NULL,
                user_id     text NOT NULL,
                redeemed_at timestamptz NOT NULL,
                PRIMARY KEY (code, order_id)
            );
            """),
        (2, """
            -- Codes are bound to a restaurant (NULL: every restaurant); codes issued before this step take their creator.
            ALTER TABLE promo_codes ADD COLUMN restaurant_id text;
            UPDATE promo_codes SET restaurant_id = created_by;
            CREATE INDEX promo_codes_by_restaurant ON promo_codes (restaurant_id, created_at, code);
            """),
    ];

    public PostgresDatabase(IOptions<TavoloOptions> options)
    {
        DataSource = NpgsqlDataSource.Create(ConnectionString(options.Value.PromoCodes));
    }

    /// <summary>The configured connection string, with <c>Tavolo__PromoCodes__Password</c> when set (AWS: from the database's secret).</summary>
    public static string ConnectionString(PromoCodeOptions options)
    {
        var connectionString = options.ConnectionString
            ?? throw new InvalidOperationException("Tavolo__PromoCodes__ConnectionString is required when Tavolo__PromoCodes__Storage=postgres.");
        return string.IsNullOrEmpty(options.Password)
            ? connectionString
            : new NpgsqlConnectionStringBuilder(connectionString) { Password = options.Password }.ConnectionString;
    }

    public NpgsqlDataSource DataSource { get; }

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, "SELECT pg_advisory_xact_lock(7461766);", cancellationToken); // any fixed key: one migrator at a time
        await Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL);", cancellationToken);
        await using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", connection);
        var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        foreach (var (version, sql) in Migrations.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            await Execute(connection, sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, applied_at) VALUES (@v, now());", connection);
            record.Parameters.AddWithValue("v", version);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("SELECT 1;");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Reports the promo-code database in <c>/health</c>.</summary>
public sealed class PostgresHealthCheck(PostgresDatabase database) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await database.PingAsync(cancellationToken)
                ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
                : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy();
        }
        catch (NpgsqlException e)
        {
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("PostgreSQL is unreachable.", e);
        }
    }
}
