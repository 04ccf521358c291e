
namespace Tavolo.Storage.Sqlite;

/// <summary>
/// What expires on the embedded home, deleted hourly (on AWS, DynamoDB's TTL and SQS's retention do it): idempotency
/// records past their expiry, sessions a week past theirs (with their refresh tokens; the week keeps spent tokens for
/// reuse detection, as the DynamoDB TTL does), dead letters after 14 days (SQS's longest retention).
/// </summary>
public sealed class SqliteSweeper(SqliteDatabase database, TimeProvider clock)
{
    public static readonly TimeSpan SessionGrace = TimeSpan.FromDays(7);
    public static readonly TimeSpan DeadLetterRetention = TimeSpan.FromDays(14);

    /// <summary>One sweep; returns how many rows it deleted.</summary>
    public Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return database.WriteAsync(async (connection, cancellationToken) =>
        {
            var deleted = await connection.ExecuteAsync("DELETE FROM idempotency_records WHERE expires_at <= $now;", cancellationToken, ("$now", Sql.Time(now)));
            deleted += await connection.ExecuteAsync("DELETE FROM sessions WHERE expires_at < $cutoff;", cancellationToken, ("$cutoff", Sql.Time(now - SessionGrace)));
            deleted += await connection.ExecuteAsync("DELETE FROM queue_dead_letters WHERE created_at < $cutoff;", cancellationToken,
                ("$cutoff", Sql.Time(now - DeadLetterRetention)));
            return deleted;
        }, cancellationToken);
    }
}

/// <summary>Runs <see cref="SqliteSweeper"/> at start-up and then every hour.</summary>
public sealed partial class SqliteSweeperService(SqliteSweeper sweeper, ILogger<SqliteSweeperService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        try
        {
            do
            {
                try
                {
                    if (await sweeper.SweepAsync(stoppingToken) is > 0 and var deleted)
                        LogSwept(logger, deleted);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, e);
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        // A host whose start failed disposes the service without stopping it: the cancelled tick is the end, not a fault.
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Swept {Count} expired rows")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The sweep failed; the next hour tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
