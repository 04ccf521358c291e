using System.Text;
using Microsoft.Extensions.Logging;
using Tavolo.Platform;

namespace Tavolo.Tests.Platform;

/// <summary>The batched stdout of the JSON log: every line once, whole, in order; batches under load; nothing lost on dispose.</summary>
public sealed class StdoutTests
{
    /// <summary>A stream that records each write and can hold the first one back, so lines gather behind it.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public readonly ManualResetEventSlim Release = new(true);
        public int WriteCalls;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Release.Wait();
            Interlocked.Increment(ref WriteCalls);
            base.Write(buffer);
        }

        public string Text() => Encoding.UTF8.GetString(ToArray());
    }

    [Fact]
    public async Task Lines_from_many_threads_arrive_whole_and_once_and_share_writes()
    {
        var stream = new RecordingStream();
        stream.Release.Reset(); // the first write waits, as on a slow pipe: the rest gather
        var stdout = new Stdout(stream);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
                stdout.Write(Encoding.UTF8.GetBytes($"{{\"thread\":{t},\"line\":{i},\"pad\":\"{new string('x', i % 50)}\"}}\n"));
        })));
        stream.Release.Set();
        stdout.Dispose();

        var lines = stream.Text().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4000, lines.Length);
        Assert.Equal(4000, lines.Distinct().Count());
        foreach (var thread in Enumerable.Range(0, 8))
        {
            var own = lines.Where(l => l.StartsWith($"{{\"thread\":{thread},", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, 500).Select(i => $"\"line\":{i},"), own.Select(l => l[(l.IndexOf("\"line\"", StringComparison.Ordinal))..(l.IndexOf(",\"pad", StringComparison.Ordinal) + 1)]));
        }
        Assert.InRange(stream.WriteCalls, 1, 100); // 4,000 lines, a handful of writes
        Assert.Equal(stream.WriteCalls, stdout.Writes);
    }

    [Fact]
    public void A_lone_line_is_written_without_waiting_for_more()
    {
        var stream = new RecordingStream();
        using var stdout = new Stdout(stream);
        stdout.Write("{\"a\":1}\n"u8);
        Assert.True(SpinWait.SpinUntil(() => stream.WriteCalls == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal("{\"a\":1}\n", stream.Text());
    }

    [Fact]
    public async Task Writers_wait_when_too_much_is_pending_and_go_on_once_it_drains()
    {
        var stream = new RecordingStream();
        stream.Release.Reset();
        var stdout = new Stdout(stream, maxPending: 1024);
        stdout.Write("first\n"u8); // taken by the writer, which then hangs on the stream
        Assert.True(SpinWait.SpinUntil(() => stdout.PendingBytes == 0, TimeSpan.FromSeconds(5)));
        var line = Encoding.UTF8.GetBytes(new string('y', 199) + "\n");
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 20; i++)
                stdout.Write(line); // 4,000 bytes behind a 1,024-byte limit
        });
        // Until the writer task has filled the limit (on a loaded machine it may start late), then a while longer.
        Assert.True(SpinWait.SpinUntil(() => stdout.PendingBytes >= 1024, TimeSpan.FromSeconds(10)));
        await Task.Delay(200);
        Assert.False(writer.IsCompleted);
        Assert.InRange(stdout.PendingBytes, 1024, 1024 + 200);
        stream.Release.Set();
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        stdout.Dispose();
        Assert.Equal(21, stream.Text().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void The_logger_writes_one_compact_json_line_per_event_and_metric_lines_stay_whole()
    {
        var stream = new RecordingStream();
        var stdout = new Stdout(stream);
        using (var provider = new JsonLinesLoggerProvider(stdout))
        {
            var logger = provider.CreateLogger("Tavolo.Test");
            using (logger.BeginScope(new List<KeyValuePair<string, object?>> { new("requestId", "r-9") }))
                logger.LogInformation("Seated {Party}", "Rossi");
            Assert.False(logger.IsEnabled(LogLevel.None));
        }
        var metrics = stdout.Lines();
        metrics.WriteLine("{\"_aws\":{}}");
        metrics.Write('{');
        metrics.Write("\"b\":2}");
        metrics.WriteLine();
        stdout.Dispose();

        var lines = stream.Text().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        var json = System.Text.Json.Nodes.JsonNode.Parse(lines[0])!;
        Assert.Equal("Seated Rossi", (string?)json["Message"]);
        Assert.Equal("Rossi", (string?)json["State"]!["Party"]);
        Assert.Equal("r-9", (string?)json["requestId"]);
        Assert.Equal("{\"_aws\":{}}", lines[1]);
        Assert.Equal("{\"b\":2}", lines[2]);
    }
}
