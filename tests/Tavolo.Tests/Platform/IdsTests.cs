using Tavolo.Platform;

namespace Tavolo.Tests.Platform;

public sealed class IdsTests
{
    [Fact]
    public void Ids_made_in_the_same_millisecond_still_sort_in_the_order_they_were_made()
    {
        // Thousands per millisecond: Guid.CreateVersion7 alone orders ids of one millisecond at random.
        var ids = Enumerable.Range(0, 20_000).Select(_ => Ids.New()).ToList();
        for (var i = 1; i < ids.Count; i++)
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"{ids[i - 1]} !< {ids[i]}");
        Assert.All(ids, id =>
        {
            Assert.Equal(32, id.Length);
            Assert.Equal('7', id[12]); // version 7
            Assert.Contains(id[16], "89ab"); // RFC 9562 variant
        });
    }

    [Fact]
    public void Request_ids_are_version_7_uuids_that_start_with_their_millisecond_and_never_repeat()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = Enumerable.Range(0, 20_000).Select(_ => Ids.NewRequestId()).ToList();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id =>
        {
            Assert.Matches("^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$", id);
            Assert.InRange(Convert.ToInt64(id[..12], 16), before, after);
            Assert.True(Guid.TryParseExact(id, "N", out _));
        });
        var bits = ids.Select(id => Convert.ToUInt64(id[17..], 16)).ToList(); // 60 of the random bits
        Assert.Equal(bits.Count, bits.Distinct().Count());
    }

    [Fact]
    public void The_next_id_cannot_be_worked_out_from_this_one()
    {
        // Ids of one millisecond share the time and count up in the 12 bits after it; the last 62 bits (after the
        // variant) are fresh random bits for every id, never the previous ones plus one.
        var ids = Enumerable.Range(0, 5_000).Select(_ => Ids.New()).ToList();
        var tails = ids.Select(id => Convert.ToUInt64(id[16..], 16) & 0x3FFF_FFFF_FFFF_FFFF).ToList();
        Assert.Equal(tails.Count, tails.Distinct().Count());
        var sequential = tails.Zip(tails.Skip(1)).Count(pair => pair.Second - pair.First is >= 1 and <= 1_000_000);
        Assert.True(sequential < 5, $"{sequential} tails followed the one before"); // random: about 5,000 × 2^-42
        var sameMillisecond = ids.Zip(ids.Skip(1)).Count(pair => pair.First[..12] == pair.Second[..12]);
        Assert.True(sameMillisecond > 0, "no two ids of one millisecond: the counter went untested");
    }

    [Fact]
    public async Task Ids_made_on_many_threads_at_once_are_all_different_and_increase_on_each_thread()
    {
        var perThread = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 5_000).Select(_ => Ids.New()).ToList())));
        Assert.Equal(40_000, perThread.SelectMany(ids => ids).Distinct().Count());
        Assert.All(perThread, ids => Assert.Equal(ids.Order(StringComparer.Ordinal), ids));
    }

    [Fact]
    public void An_id_keeps_the_time_it_was_made()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = Ids.New();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var millisecond = Convert.ToInt64(id[..12], 16); // the first 48 bits
        Assert.InRange(millisecond, before, after); // a counted-up id keeps the earlier id's millisecond, never a later one
    }
}
