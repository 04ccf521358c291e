using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tavolo.Storage.Sqlite;

public sealed class SqliteHealthCheck(SqliteDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await database.PingAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("SQLite did not answer.");
}
