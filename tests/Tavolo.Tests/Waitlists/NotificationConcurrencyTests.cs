using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Tests.Waitlists;

/// <summary>A webhook that takes the connection and never answers: the slowest target there is.</summary>
public sealed class SilentWebhook : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();

    public SilentWebhook()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hook";

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_held) _held.Add(client); // read nothing, answer nothing
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held) _held.ForEach(c => c.Dispose());
        _stop.Dispose();
    }
}

/// <summary>The in-process consumer with a 3 s attempt timeout, http webhooks to 127.0.0.1 allowed.</summary>
public class ConcurrentNotificationApp : SmtpApp
{
    protected virtual bool RunLoops => true;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Tavolo:Notifications:AllowInsecureWebhooks"] = "true",
        ["Tavolo:Notifications:AllowPrivateWebhookTargets"] = "true",
        ["Tavolo:Notifications:AttemptTimeoutSeconds"] = "3",
        ["Tavolo:Notifications:RetryBaseSeconds"] = "60", // a failed attempt stays out of the way of the measurement
        ["Tavolo:Notifications:RunInProcess"] = RunLoops ? "true" : "false",
    };
}

public sealed class BatchNotificationApp : ConcurrentNotificationApp
{
    protected override bool RunLoops => false;
}

/// <summary>
/// One restaurant's dead webhook must not delay another restaurant's guests (API.md, Notifications): messages are sent
/// side by side with a timeout per attempt. Before, the consumer sent one at a time: six notifies to a silent webhook
/// held the next restaurant's email for a minute.
/// </summary>
public sealed class NotificationConcurrencyTests(ConcurrentNotificationApp app) : IClassFixture<ConcurrentNotificationApp>
{
    [Fact]
    public async Task Six_notifies_to_a_silent_webhook_do_not_hold_another_restaurants_email()
    {
        using var silent = new SilentWebhook();
        var slow = await app.NewUserAsync("owner");
        using var slowStaff = slow.Client();
        var hooked = await (await slowStaff.PostAsJsonAsync("/waitlists", new { name = "Slow", webhookUrl = silent.Url })).ReadJsonAsync(HttpStatusCode.Created);
        for (var i = 0; i < 6; i++)
        {
            var party = await (await slowStaff.PostAsJsonAsync($"/waitlists/{hooked["id"]}/waitees", new { name = "P" + i, partySize = 2, phone = "+14155550123" }))
                .ReadJsonAsync(HttpStatusCode.Created);
            Assert.Equal(HttpStatusCode.Accepted, (await slowStaff.PostAsync($"/waitlists/{hooked["id"]}/waitees/{party["id"]}/notify", null)).StatusCode);
        }

        var other = await app.NewUserAsync("owner");
        using var staff = other.Client();
        var list = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Fast" })).ReadJsonAsync(HttpStatusCode.Created);
        var email = TavoloApp.NewEmail("guest");
        var guest = await (await staff.PostAsJsonAsync($"/waitlists/{list["id"]}/waitees", new { name = "Quick", partySize = 2, email })).ReadJsonAsync(HttpStatusCode.Created);
        var started = Stopwatch.StartNew();
        await staff.PostAsync($"/waitlists/{list["id"]}/waitees/{guest["id"]}/notify", null);
        Assert.Single(await app.Smtp.WaitForAsync(m => m.To == email, 1, TimeSpan.FromSeconds(30)));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"the email waited {started.Elapsed} behind the silent webhook");

        // The silent webhook's attempts each end at the attempt timeout, not the webhook client's 10 s.
        await Eventually.ReadAsync(
            async () => (await (await slowStaff.GetAsync($"/waitlists/{hooked["id"]}/notifications")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray(),
            items => items.Count == 6 && items.All(n => (string?)n!["lastError"] == "webhook timed out"), TimeSpan.FromSeconds(8));
    }
}

public sealed class SqsBatchConcurrencyTests(BatchNotificationApp app) : IClassFixture<BatchNotificationApp>
{
    [Fact]
    public async Task An_sqs_batch_sends_its_records_side_by_side()
    {
        using var silent = new SilentWebhook();
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var hooked = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Slow", webhookUrl = silent.Url })).ReadJsonAsync(HttpStatusCode.Created);
        var plain = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Fast" })).ReadJsonAsync(HttpStatusCode.Created);
        var email = TavoloApp.NewEmail("batch");
        var parties = new List<(JsonObject List, JsonObject Party)>();
        for (var i = 0; i < 2; i++)
            parties.Add((hooked, await (await staff.PostAsJsonAsync($"/waitlists/{hooked["id"]}/waitees", new { name = "S" + i, partySize = 2, phone = "+14155550123" })).ReadJsonAsync(HttpStatusCode.Created)));
        parties.Add((plain, await (await staff.PostAsJsonAsync($"/waitlists/{plain["id"]}/waitees", new { name = "Quick", partySize = 2, email })).ReadJsonAsync(HttpStatusCode.Created)));
        foreach (var (list, party) in parties)
            Assert.Equal(HttpStatusCode.Accepted, (await staff.PostAsync($"/waitlists/{list["id"]}/waitees/{party["id"]}/notify", null)).StatusCode);

        var queue = app.Services.GetRequiredService<INotificationQueue>();
        var consumer = app.Services.GetRequiredService<NotificationConsumer>();
        var messages = new List<ReceivedMessage>();
        while (messages.Count < 3 && (await queue.ReceiveAsync(10, consumer.Visibility, TimeSpan.FromSeconds(1), default)) is { Count: > 0 } received)
            messages.AddRange(received);
        Assert.Equal(3, messages.Count);
        var records = new JsonArray(messages.Select(m => (JsonNode)new JsonObject
        {
            ["messageId"] = m.MessageId, ["receiptHandle"] = m.ReceiptHandle, ["body"] = m.Body, ["eventSource"] = "aws:sqs",
            ["attributes"] = new JsonObject { ["ApproximateReceiveCount"] = "1" },
        }).ToArray());
        var batch = app.Services.GetServices<Tavolo.Platform.ILambdaEventHandler>().OfType<SqsBatchEvent>().Single();
        var started = Stopwatch.StartNew();
        var handling = batch.HandleAsync(new JsonObject { ["Records"] = records }, default);
        Assert.Single(await app.Smtp.WaitForAsync(m => m.To == email, 1, TimeSpan.FromSeconds(30)));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"the email waited {started.Elapsed}");
        var result = await handling;
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5.5), $"two 3 s timeouts took {started.Elapsed}: one after the other"); // side by side: ~3 s
        Assert.Equal(2, result["batchItemFailures"]!.AsArray().Count); // the silent webhook's two, for SQS to redeliver
    }
}
