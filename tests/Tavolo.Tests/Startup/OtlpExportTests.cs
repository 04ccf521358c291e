using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Tavolo.Tests.Startup;

/// <summary>
/// Tavolo started as a process with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> pointing at a stand-in OTLP receiver on
/// loopback (HTTP/protobuf): traces, metrics and logs arrive at <c>/v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c>.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Traces_metrics_and_logs_are_exported_over_OTLP_when_the_endpoint_is_set()
    {
        var port = TavoloProcess.FreePort();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var received = new ConcurrentQueue<(string Path, string ContentType, byte[] Body)>();
        var receiving = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                HttpListenerContext context;
                try { context = await receiver.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType ?? "", body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        });

        var data = Directory.CreateTempSubdirectory("tavolo-otlp-").FullName;
        try
        {
            await using var tavolo = TavoloProcess.StartBuilt(new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Tavolo__Sqlite__Path"] = Path.Combine(data, "tavolo.db"),
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = "tavolo-otlp-test",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
                ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            });
            await tavolo.WaitForHealthAsync(TimeSpan.FromSeconds(60));
            using var client = new HttpClient { BaseAddress = new Uri(tavolo.BaseUrl) };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/restaurants?q=otlp")).StatusCode);

            bool Has(string path, params string[] texts) => received.Any(r => r.Path == path
                && r.ContentType.StartsWith("application/x-protobuf", StringComparison.Ordinal)
                && texts.All(t => Encoding.UTF8.GetString(r.Body).Contains(t, StringComparison.Ordinal)));
            for (var i = 0; i < 300 && !(Has("/v1/traces", "GET /restaurants", "sqlite") && Has("/v1/metrics", "http.server.request.duration") && Has("/v1/logs")); i++)
                await Task.Delay(100);

            var paths = string.Join(", ", received.Select(r => r.Path).Distinct());
            Assert.True(Has("/v1/traces", "tavolo-otlp-test", "GET /restaurants", "SELECT sqlite"), "no trace of GET /restaurants with its SQLite span; received: " + paths);
            Assert.True(Has("/v1/metrics", "http.server.request.duration"), "no ASP.NET Core metrics; received: " + paths);
            Assert.True(Has("/v1/logs"), "no logs; received: " + paths);
            Assert.False(tavolo.HasExited);
        }
        finally
        {
            receiver.Close();
            await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(5))); // the managed listener may not wake its waiter
            Directory.Delete(data, recursive: true);
        }
    }
}
