using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Tests.Platform;

/// <summary>
/// The app with OpenTelemetry on (an OTLP endpoint on a closed loopback port, so nothing leaves) and every finished
/// span also kept in memory; the notification loops off, so the test runs the consumer itself, with no span around it;
/// the real clock.
/// </summary>
public sealed class TracedApp : TavoloApp
{
    public SpanCollection Spans { get; } = new();

    protected override bool UseFakeClock => false; // the queue's long poll waits on the clock

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
        ["Tavolo:Notifications:RunInProcess"] = "false",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
    }

    /// <summary>The finished spans of one trace, once <paramref name="done"/> holds for them (spans end a little after the response).</summary>
    public async Task<List<Activity>> TraceAsync(ActivityTraceId trace, Func<List<Activity>, bool> done)
    {
        for (var i = 0; ; i++)
        {
            var spans = Spans.Where(s => s.TraceId == trace).ToList();
            if (done(spans))
                return spans;
            Assert.True(i < 100, $"The trace never completed; its spans: {string.Join(", ", spans.Select(s => s.DisplayName))} (of {Spans.Count}: {string.Join(", ", Spans.Take(20).Select(s => s.DisplayName + " " + s.TraceId))})");
            await Task.Delay(50);
        }
    }
}

/// <summary>The in-memory exporter's collection, safe to read while the exporter adds to it.</summary>
public sealed class SpanCollection : ICollection<Activity>
{
    private readonly ConcurrentQueue<Activity> _spans = new();

    public int Count => _spans.Count;

    public bool IsReadOnly => false;

    public void Add(Activity item) => _spans.Enqueue(item);

    public void Clear() => _spans.Clear();

    public bool Contains(Activity item) => _spans.Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => _spans.CopyTo(array, arrayIndex);

    public bool Remove(Activity item) => throw new NotSupportedException();

    public IEnumerator<Activity> GetEnumerator() => _spans.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// OpenTelemetry across a request and across the notification queue: one trace each, the store calls under the request
/// that made them, the consumer and its channel under the producer that queued the message.
/// </summary>
public sealed class TelemetryTests(TracedApp app) : IClassFixture<TracedApp>
{
    /// <summary>
    /// Sends a request that continues a trace the test starts (W3C traceparent), so its spans are told from others'. Not
    /// through a client whose own span (this process listens to HttpClient too) would replace the header.
    /// </summary>
    private async Task<HttpResponseMessage> SendTracedAsync(TestUser user, HttpMethod method, string path, ActivityTraceId trace, ActivitySpanId parent, object? body = null)
    {
        using var plain = app.Anonymous();
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = plain.BaseAddress };
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("traceparent", $"00-{trace}-{parent}-01");
        request.Headers.Authorization = new("Bearer", user.AccessToken);
        return await client.SendAsync(request);
    }

    /// <summary>The span's ancestors within <paramref name="spans"/>, nearest first.</summary>
    private static List<Activity> Ancestors(Activity span, List<Activity> spans)
    {
        var chain = new List<Activity>();
        for (var parent = spans.FirstOrDefault(s => s.SpanId == span.ParentSpanId); parent is not null; parent = spans.FirstOrDefault(s => s.SpanId == parent.ParentSpanId))
            chain.Add(parent);
        return chain;
    }

    [Fact]
    public async Task One_POST_orders_is_one_trace_with_the_store_call_under_the_request()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var dish = await (await staff.PostAsJsonAsync($"/restaurants/{owner.Id}/menu/items", new { name = "Pasta", price = 9.5m })).ReadJsonAsync(HttpStatusCode.Created);
        var customer = await app.NewUserAsync();

        var trace = ActivityTraceId.CreateRandom();
        var remote = ActivitySpanId.CreateRandom();
        var order = new { orderId = Guid.NewGuid().ToString(), restaurantId = owner.Id, items = new[] { new { menuItemId = (string)dish["id"]!, quantity = 2 } } };
        Assert.Equal(HttpStatusCode.Created, (await SendTracedAsync(customer, HttpMethod.Post, "/orders", trace, remote, order)).StatusCode);

        var spans = await app.TraceAsync(trace, s => s.Any(a => a.Kind == ActivityKind.Server) && s.Any(a => a.GetTagItem("db.system.name") is not null));
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal(remote, server.ParentSpanId);
        Assert.StartsWith("POST /orders", server.DisplayName, StringComparison.Ordinal);
        // One trace: every span hangs from the request's span.
        Assert.All(spans.Where(s => s != server), s => Assert.Contains(server, Ancestors(s, spans)));
        // The order's write (SQLite: the write job and its INSERT; DynamoDB: its PutItem/TransactWriteItems call).
        var stores = spans.Where(s => s.GetTagItem("db.system.name") is not null).ToList();
        Assert.NotEmpty(stores);
        Assert.Contains(stores, s => s.DisplayName is "write sqlite" || s.DisplayName.StartsWith("DynamoDB.", StringComparison.Ordinal));
        Assert.DoesNotContain(spans, s => (s.GetTagItem("db.query.text") as string)?.Contains(customer.Email, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Notify_queue_consumer_and_channel_are_one_trace()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var list = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Door" })).ReadJsonAsync(HttpStatusCode.Created);
        var waitee = await (await staff.PostAsJsonAsync($"/waitlists/{list["id"]}/waitees", new { name = "Rossi", partySize = 2, phone = "+393331234567" }))
            .ReadJsonAsync(HttpStatusCode.Created);

        var trace = ActivityTraceId.CreateRandom();
        var remote = ActivitySpanId.CreateRandom();
        Assert.Equal(HttpStatusCode.Accepted, (await SendTracedAsync(owner, HttpMethod.Post, $"/waitlists/{list["id"]}/waitees/{waitee["id"]}/notify", trace, remote)).StatusCode);

        // The consumer, as the in-process loop runs it, with no span of its own around it: the message carries the trace.
        var queue = app.Services.GetRequiredService<INotificationQueue>();
        var consumer = app.Services.GetRequiredService<NotificationConsumer>();
        Assert.Null(Activity.Current);
        for (var i = 0; i < 40 && !app.Spans.Any(s => s.TraceId == trace && s.DisplayName == "notification outbox"); i++)
        {
            foreach (var message in await queue.ReceiveAsync(10, consumer.Visibility, TimeSpan.FromMilliseconds(250), default))
                await consumer.HandleAsync(message, default);
        }

        var spans = await app.TraceAsync(trace, s => s.Any(a => a.DisplayName == "notification outbox") && s.Any(a => a.Kind == ActivityKind.Server));
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        var send = Assert.Single(spans, s => s.DisplayName == "notifications send");
        var process = Assert.Single(spans, s => s.DisplayName == "notifications process");
        var channel = Assert.Single(spans, s => s.DisplayName == "notification outbox");
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(send.SpanId, process.ParentSpanId); // across the queue
        Assert.Equal(process.SpanId, channel.ParentSpanId);
        Assert.Equal([process, send], Ancestors(channel, spans).Take(2));
        Assert.Contains(server, Ancestors(channel, spans)); // producer → queue → consumer → channel, under the notify request
        Assert.Equal(send.GetTagItem("tavolo.notification.id"), process.GetTagItem("tavolo.notification.id"));
    }
}
