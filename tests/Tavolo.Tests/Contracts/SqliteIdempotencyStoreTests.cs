using Microsoft.Data.Sqlite;
using Tavolo.Idempotency;
using Tavolo.Storage.Sqlite;

namespace Tavolo.Tests.Contracts;

/// <summary>What only the SQLite idempotency adapter can get wrong: waiting on its own write.</summary>
public sealed class SqliteIdempotencyStoreTurnTests(SqliteFixture sqlite) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task A_record_that_vanishes_between_the_claim_and_the_read_is_claimed_again_without_waiting_on_itself()
    {
        var store = new SqliteIdempotencyStore(sqlite.Database);
        var now = DateTime.UtcNow;
        var claim = new IdempotencyRecord("user|/orders|" + Guid.NewGuid(), "f", Guid.NewGuid().ToString("N"), now.AddSeconds(60), now.AddHours(24));
        // The first claim statement finds the row taken, and the read then finds it gone (released by another process
        // in between): a trigger that skips this key's first insert once makes exactly that happen.
        await sqlite.Database.WriteAsync((connection, token) => connection.ExecuteAsync(
            """
            CREATE TABLE vanish_once (key TEXT);
            INSERT INTO vanish_once VALUES ($key);
            CREATE TRIGGER vanish BEFORE INSERT ON idempotency_records
            WHEN NEW.key IN (SELECT key FROM vanish_once)
            BEGIN DELETE FROM vanish_once; SELECT RAISE(IGNORE); END;
            """, token, ("$key", claim.Key)), default);
        try
        {
            var claimed = store.TryClaimAsync(claim, now, default);
            // Queueing a second write from inside its own write would wait for itself forever.
            Assert.Null(await claimed.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(claim, await store.TryClaimAsync(claim with { LeaseToken = "other" }, now, default));
        }
        finally
        {
            await sqlite.Database.WriteAsync((connection, token) => connection.ExecuteAsync("DROP TRIGGER vanish; DROP TABLE vanish_once;", token), default);
        }
    }
}
