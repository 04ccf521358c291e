using Microsoft.Extensions.Time.Testing;
using Tavolo.Storage.Sqlite;

namespace Tavolo.Tests.Contracts;

/// <summary>The SQLite stores' row cache: never serves what a committed write has replaced.</summary>
public sealed class RowCacheTests
{
    private sealed record Row(string Value);

    [Fact]
    public void A_kept_row_is_served_until_its_key_is_written()
    {
        var cache = new RowCache<string, Row>(new FakeTimeProvider());
        Assert.False(cache.TryGet("a", out _));
        cache.Keep("a", new Row("1"), cache.Version);
        cache.Keep("b", new Row("2"), cache.Version);
        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal("1", a.Value);

        cache.Forget("a");
        Assert.False(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("b", out _)); // other keys stay
    }

    [Fact]
    public void A_read_that_overlapped_a_write_keeps_nothing()
    {
        var cache = new RowCache<string, Row>(new FakeTimeProvider());
        var version = cache.Version; // a read begins …
        cache.Forget("b");           // … a write of any key commits meanwhile …
        cache.Keep("a", new Row("old"), version); // … so what the read found may be stale: not kept
        Assert.False(cache.TryGet("a", out _));
    }

    [Fact]
    public async Task A_write_with_ForgetAfter_forgets_its_key_however_it_ends()
    {
        var cache = new RowCache<string, Row>(new FakeTimeProvider());
        cache.Keep("a", new Row("1"), cache.Version);
        Assert.Equal(7, await cache.ForgetAfter("a", Task.FromResult(7)));
        Assert.False(cache.TryGet("a", out _));

        cache.Keep("a", new Row("1"), cache.Version);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.ForgetAfter<int>("a", Task.FromException<int>(new InvalidOperationException())));
        Assert.False(cache.TryGet("a", out _));
    }

    [Fact]
    public void Entries_expire_so_another_process_writes_are_seen_and_the_size_is_bounded()
    {
        var clock = new FakeTimeProvider();
        var cache = new RowCache<string, Row>(clock);
        cache.Keep("a", new Row("1"), cache.Version);
        clock.Advance(RowCache<string, Row>.Lifetime);
        Assert.False(cache.TryGet("a", out _));

        var small = new RowCache<string, Row>(clock, capacity: 3);
        foreach (var key in new[] { "a", "b", "c", "d" })
            small.Keep(key, new Row(key), small.Version);
        Assert.True(small.TryGet("d", out _));
        Assert.Equal(1, new[] { "a", "b", "c", "d" }.Count(k => small.TryGet(k, out _))); // started over at the fourth
    }

    [Fact]
    public void Rows_count_their_size_against_the_bound()
    {
        // An order counts its lines: a caller who makes it keep large rows fills it sooner, not its memory for longer.
        var cache = new RowCache<string, Row>(new FakeTimeProvider(), capacity: 10, size: row => row.Value.Length);
        cache.Keep("a", new Row("xxxx"), cache.Version);
        cache.Keep("b", new Row("xxxx"), cache.Version);
        Assert.True(cache.TryGet("a", out _) && cache.TryGet("b", out _)); // 8 of 10
        cache.Keep("c", new Row("xxx"), cache.Version); // 11: starts over with c alone
        Assert.Equal(["c"], new[] { "a", "b", "c" }.Where(k => cache.TryGet(k, out _)));
        cache.Keep("d", new Row("xxxxxxx"), cache.Version); // 10: fits
        Assert.True(cache.TryGet("c", out _) && cache.TryGet("d", out _));
    }

    [Fact]
    public async Task Racing_reads_and_writes_never_leave_a_stale_row_behind()
    {
        // One key, a "database" value written by one thread and read-and-kept by others. Once a write has returned,
        // the cache may hold the value it wrote or nothing — never an older one, not even for an instant (checked
        // many times after each write, while the readers keep racing).
        var cache = new RowCache<string, Row>(TimeProvider.System);
        var stored = new Row("0");
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(reader => Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                if (cache.TryGet("k", out _))
                    continue;
                var version = cache.Version;
                var read = Volatile.Read(ref stored);
                cache.Keep("k", read, version);
            }
        })).ToArray();
        try
        {
            for (var i = 1; i <= 5_000; i++)
            {
                var written = new Row(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await cache.ForgetAfter("k", Task.Run(() => { Volatile.Write(ref stored, written); return 0; }));
                for (var check = 0; check < 200; check++)
                {
                    if (cache.TryGet("k", out var seen))
                        Assert.Same(written, seen);
                }
            }
        }
        finally
        {
            await done.CancelAsync();
            await Task.WhenAll(readers);
        }
    }
}
