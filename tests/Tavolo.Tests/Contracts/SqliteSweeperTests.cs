using Microsoft.Extensions.Time.Testing;
using Tavolo.Auth;
using Tavolo.Idempotency;
using Tavolo.Platform;
using Tavolo.Storage.Sqlite;

namespace Tavolo.Tests.Contracts;

/// <summary>The embedded home's stand-in for DynamoDB TTL and SQS retention.</summary>
public sealed class SqliteSweeperTests(SqliteFixture sqlite) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task The_sweep_deletes_what_has_expired_and_keeps_the_rest()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 8, 12, 0, 0, TimeSpan.Zero));
        var queue = new SqliteNotificationQueue(sqlite.Database, clock);
        await queue.EnqueueAsync("old letter", default);
        await queue.DeadLetterAsync((await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), TimeSpan.Zero, default))[0], "test", default);
        clock.Advance(TimeSpan.FromDays(15));
        await queue.EnqueueAsync("new letter", default);
        await queue.DeadLetterAsync((await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), TimeSpan.Zero, default))[0], "test", default);
        var now = clock.GetUtcNow().UtcDateTime;
        var idempotency = new SqliteIdempotencyStore(sqlite.Database, clock);
        var response = new StoredResponse(201, null, null, [1]);
        await idempotency.TryClaimAsync(new IdempotencyRecord("old", "f", "t", now.AddHours(-25), now.AddHours(-1)), now.AddHours(-25), default);
        Assert.True(await idempotency.CompleteAsync("old", "t", response, default));
        await idempotency.TryClaimAsync(new IdempotencyRecord("live", "f", "t", now.AddSeconds(60), now.AddHours(23)), now, default);
        Assert.True(await idempotency.CompleteAsync("live", "t", response, default));
        var sessions = new SqliteSessionStore(sqlite.Database);
        var gone = new Session("s-gone", "u", now.AddDays(-40), now.AddDays(-40), now.AddDays(-8), null, null);
        var recent = new Session("s-recent", "u", now.AddDays(-35), now.AddDays(-35), now.AddDays(-6), null, null); // inside the week of grace
        await sessions.CreateAsync(gone, "hash-gone", default);
        await sessions.CreateAsync(recent, "hash-recent", default);

        Assert.Equal(3, await new SqliteSweeper(sqlite.Database, clock).SweepAsync(default));

        Assert.Null(await idempotency.TryClaimAsync(new IdempotencyRecord("old", "g", "t2", now, now.AddHours(1)), now, default)); // free again
        Assert.NotNull(await idempotency.TryClaimAsync(new IdempotencyRecord("live", "g", "t2", now, now.AddHours(1)), now, default));
        Assert.Null(await sessions.FindAsync("s-gone", default));
        Assert.Null(await sessions.FindRefreshTokenAsync("hash-gone", default)); // with its session
        Assert.NotNull(await sessions.FindRefreshTokenAsync("hash-recent", default));
        Assert.Equal(1, await queue.CountDeadLettersAsync(default));
    }
}
