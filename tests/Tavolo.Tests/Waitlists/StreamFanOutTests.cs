using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;
using static Tavolo.Tests.Waitlists.WaitlistSteps;

namespace Tavolo.Tests.Waitlists;

/// <summary>
/// How many guest streams one process holds, measured: N guests of one waitlist each follow their place; the party
/// at the head is seated (one change that moves every one of them); the time until all N have seen their new place.
/// </summary>
public sealed class StreamFanOutTests(ITestOutputHelper output)
{
    /// <summary>One restaurant's guests beyond the per-restaurant cap (200 by default): this measures the process.</summary>
    private sealed class FanOutApp : TavoloApp
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Tavolo:Streams:MaxPerRestaurant"] = (N + 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private const int N = 1_000;

    [Fact]
    public async Task A_thousand_guest_streams_all_see_one_change()
    {
        using var app = new FanOutApp();
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var id = await NewWaitlistAsync(staff);
        var head = await AddAsync(staff, id, "Head");
        var tokens = new List<string>(N);
        for (var i = 0; i < N; i++)
            tokens.Add((string)(await AddAsync(staff, id, "Guest " + i))["guestToken"]!);

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = N + 10 };
        using var client = new HttpClient(handler) { BaseAddress = app.Anonymous().BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var opened = Stopwatch.StartNew();
        var streams = new EventStream[N];
        var placed = new int[N];
        await Parallel.ForAsync(0, N, new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (i, _) =>
        {
            streams[i] = await EventStream.OpenAsync(client, $"/guest/{tokens[i]}/stream");
            var first = await streams[i].NextAsync(TimeSpan.FromSeconds(60));
            placed[i] = (int)first!.Data!["position"]!;
        });
        // Every guest behind the head of the line, each in its own place (parties that join in the same tick may swap).
        Assert.Equal(Enumerable.Range(2, N), placed.Order());
        opened.Stop();
        var memory = GC.GetTotalMemory(forceFullCollection: true);

        var change = Stopwatch.StartNew();
        var seenAt = new double[N];
        var seeing = Enumerable.Range(0, N).Select(async i =>
        {
            var moved = await streams[i].NextAsync(TimeSpan.FromSeconds(60));
            seenAt[i] = change.Elapsed.TotalMilliseconds;
            Assert.Equal(placed[i] - 1, (int)moved!.Data!["position"]!);
        }).ToList();
        await SeatAsync(staff, id, head);
        await Task.WhenAll(seeing);
        change.Stop();

        Array.Sort(seenAt);
        Console.WriteLine($"{N} guest streams opened in {opened.ElapsedMilliseconds} ms; one seat → all saw it in {change.ElapsedMilliseconds} ms (p50 {seenAt[N / 2]:0}, p99 {seenAt[N * 99 / 100]:0})");
        output.WriteLine($"{N} guest streams opened (and first event read) in {opened.ElapsedMilliseconds} ms; managed heap with all open {memory / 1024 / 1024} MiB (test process, server in it)");
        output.WriteLine($"one seat → all {N} saw their new place in {change.ElapsedMilliseconds} ms (p50 {seenAt[N / 2]:0} ms, p99 {seenAt[N * 99 / 100]:0} ms, first {seenAt[0]:0} ms)");
        Assert.True(change.Elapsed < TimeSpan.FromSeconds(30), $"fan-out took {change.Elapsed}");
        foreach (var stream in streams)
            await stream.DisposeAsync();
    }
}
