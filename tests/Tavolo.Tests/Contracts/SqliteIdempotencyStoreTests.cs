using Microsoft.Extensions.Time.Testing;
using Tavolo.Idempotency;
using Tavolo.Storage.Sqlite;

namespace Tavolo.Tests.Contracts;

/// <summary>
/// What only the SQLite idempotency adapter does: it holds a claim in the process and writes the record once, when the
/// request has finished — and still honours what is on the file (a claim an earlier version wrote, another process's record).
/// </summary>
public sealed class SqliteIdempotencyStoreClaimTests(SqliteFixture sqlite) : IClassFixture<SqliteFixture>
{
    private static readonly StoredResponse Created = new(201, "application/json; charset=utf-8", "/orders/1", [7]);

    private static IdempotencyRecord Claim(string key, DateTime now) =>
        new(key, "f", Guid.NewGuid().ToString("N"), now.AddSeconds(60), now.AddHours(24));

    private Task<long> RowsAsync(string key) => sqlite.Database.WriteAsync(
        async (c, t) => (long)(await c.ScalarAsync("SELECT COUNT(*) FROM idempotency_records WHERE key = $key;", t, ("$key", key)))!, default);

    [Fact]
    public async Task A_claim_writes_nothing_until_its_request_finishes_and_a_released_one_nothing_at_all()
    {
        var store = new SqliteIdempotencyStore(sqlite.Database, TimeProvider.System);
        var now = DateTime.UtcNow;
        var kept = Claim("user|/orders|" + Guid.NewGuid(), now);
        var dropped = Claim("user|/orders|" + Guid.NewGuid(), now);
        Assert.Null(await store.TryClaimAsync(kept, now, default));
        Assert.Null(await store.TryClaimAsync(dropped, now, default));
        Assert.Equal(0, await RowsAsync(kept.Key));

        Assert.True(await store.CompleteAsync(kept.Key, kept.LeaseToken, Created, default));
        await store.ReleaseAsync(dropped.Key, dropped.LeaseToken, default);
        Assert.Equal(1, await RowsAsync(kept.Key));
        Assert.Equal(0, await RowsAsync(dropped.Key));
        Assert.Equal([7], (await store.TryClaimAsync(Claim(kept.Key, now), now, default))!.Response!.Body);
    }

    [Fact]
    public async Task A_claim_an_earlier_version_wrote_holds_its_key_until_its_lease_ends()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new SqliteIdempotencyStore(sqlite.Database, clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var key = "user|/orders|" + Guid.NewGuid();
        await sqlite.Database.WriteAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO idempotency_records (key, fingerprint, lease_token, lease_until, expires_at) VALUES ($key, 'old', 'old-token', $lease, $expires);",
            t, ("$key", key), ("$lease", Sql.Time(now.AddSeconds(30))), ("$expires", Sql.Time(now.AddHours(24)))), default);

        Assert.Equal("old-token", (await store.TryClaimAsync(Claim(key, now), now, default))!.LeaseToken); // in flight: 409
        clock.Advance(TimeSpan.FromSeconds(31));
        var later = clock.GetUtcNow().UtcDateTime;
        var retry = Claim(key, later);
        Assert.Null(await store.TryClaimAsync(retry, later, default)); // its lease is over: taken over
        Assert.True(await store.CompleteAsync(key, retry.LeaseToken, Created, default));
        Assert.Equal(retry.LeaseToken, (await store.TryClaimAsync(Claim(key, later), later, default))!.LeaseToken);
    }

    [Fact]
    public async Task A_record_another_process_finished_first_is_kept_and_this_completion_loses()
    {
        var here = new SqliteIdempotencyStore(sqlite.Database, TimeProvider.System);
        var there = new SqliteIdempotencyStore(sqlite.Database, TimeProvider.System); // a second process on the file
        var now = DateTime.UtcNow;
        var key = "user|/orders|" + Guid.NewGuid();
        var mine = Claim(key, now);
        var theirs = Claim(key, now);
        Assert.Null(await here.TryClaimAsync(mine, now, default));
        Assert.Null(await there.TryClaimAsync(theirs, now, default)); // neither sees the other's request in flight
        Assert.True(await there.CompleteAsync(key, theirs.LeaseToken, Created with { Body = [1] }, default));

        Assert.False(await here.CompleteAsync(key, mine.LeaseToken, Created with { Body = [2] }, default));
        Assert.Equal([1], (await here.TryClaimAsync(Claim(key, now), now, default))!.Response!.Body);
    }

    [Fact]
    public async Task A_claim_whose_lookup_fails_is_not_left_holding_its_key()
    {
        var store = new SqliteIdempotencyStore(sqlite.Database, TimeProvider.System);
        var now = DateTime.UtcNow;
        var key = "user|/orders|" + Guid.NewGuid();
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync(); // the client went away while the record was being looked up
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TryClaimAsync(Claim(key, now), now, aborted.Token));
        Assert.Null(await store.TryClaimAsync(Claim(key, now), now, default)); // not 409 for a minute
    }

    [Fact]
    public async Task A_request_that_hangs_past_its_lease_is_taken_over_and_cannot_complete_after()
    {
        var store = new SqliteIdempotencyStore(sqlite.Database, TimeProvider.System);
        var now = DateTime.UtcNow;
        var key = "user|/orders|" + Guid.NewGuid();
        var hung = Claim(key, now);
        await store.TryClaimAsync(hung, now, default);
        var later = now.AddSeconds(61);
        var retry = Claim(key, later);
        Assert.Null(await store.TryClaimAsync(retry, later, default));
        await store.ReleaseAsync(key, hung.LeaseToken, default); // the hung request fails at last: the retry keeps the key
        Assert.Equal(retry, await store.TryClaimAsync(Claim(key, later), later, default));
        Assert.False(await store.CompleteAsync(key, hung.LeaseToken, Created, default));
        Assert.Equal(0, await RowsAsync(key));
    }
}
