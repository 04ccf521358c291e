using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tavolo.Platform;
using Tavolo.Storage.Sqlite;
using Tavolo.Waitlists;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Tests.Waitlists;

/// <summary>
/// The app with a real SMTP sink, http webhooks allowed, a 2 s visibility timeout, no back-off, and the
/// producer/consumer loops off: each test drives them, so a crash can be placed exactly where it hurts.
/// </summary>
public sealed class NotificationApp : SmtpApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Tavolo:Notifications:AllowInsecureWebhooks"] = "true",
        ["Tavolo:Notifications:AllowPrivateWebhookTargets"] = "true", // the receiver listens on 127.0.0.1
        ["Tavolo:Notifications:VisibilitySeconds"] = "2",
        ["Tavolo:Notifications:RetryBaseSeconds"] = "0",
        ["Tavolo:Notifications:RunInProcess"] = "false",
    };

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Drains, long-polling the queue, until <paramref name="done"/> holds (a message that comes back after its
    /// visibility timeout is handled as soon as it does); fails after <paramref name="timeout"/>.</summary>
    public async Task DrainUntilAsync(Func<bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < until, $"Not done after draining for {timeout}.");
            await DrainAsync(TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>Runs the consumer over everything receivable until the queue is quiet.</summary>
    public async Task DrainAsync(TimeSpan? wait = null)
    {
        var queue = Get<INotificationQueue>();
        var consumer = Get<NotificationConsumer>();
        while ((await queue.ReceiveAsync(10, consumer.Visibility, wait ?? TimeSpan.Zero, default)) is { Count: > 0 } batch)
        {
            foreach (var message in batch)
                await consumer.HandleAsync(message, default);
        }
    }
}

/// <summary>The app on the real clock with a real SMTP sink as its mail server.</summary>
public class SmtpApp : TavoloApp
{
    public SmtpSink Smtp { get; } = new();

    protected override bool UseFakeClock => false;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:Smtp:Host"] = "127.0.0.1",
        ["Tavolo:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tavolo:Smtp:Security"] = "None",
        ["Tavolo:Smtp:From"] = "Tavolo <tables@tavolo.test>",
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Smtp.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

public sealed class NotificationTests(NotificationApp app) : IClassFixture<NotificationApp>
{
    private async Task<(HttpClient Staff, string WaitlistId)> NewWaitlistAsync(string? webhookUrl = null)
    {
        var owner = await app.NewUserAsync("owner");
        var staff = owner.Client();
        var waitlist = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Da Mario", webhookUrl })).ReadJsonAsync(HttpStatusCode.Created);
        return (staff, (string)waitlist["id"]!);
    }

    private static async Task<JsonObject> AddAsync(HttpClient staff, string waitlistId, object body) =>
        await (await staff.PostAsJsonAsync($"/waitlists/{waitlistId}/waitees", body)).ReadJsonAsync(HttpStatusCode.Created);

    private static async Task<JsonArray> NotificationsAsync(HttpClient staff, string waitlistId) =>
        (await (await staff.GetAsync($"/waitlists/{waitlistId}/notifications?limit=100")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray();

    [Fact]
    public async Task A_notified_waitee_gets_exactly_one_email()
    {
        var (staff, id) = await NewWaitlistAsync();
        var email = TavoloApp.NewEmail("guest");
        var waitee = await AddAsync(staff, id, new { name = "Bianchi", partySize = 4, email });
        Assert.Equal(HttpStatusCode.Accepted, (await staff.PostAsync($"/waitlists/{id}/waitees/{waitee["id"]}/notify", null)).StatusCode);
        // A double click while the first is on its way does not queue a second notification.
        await (await staff.PostAsync($"/waitlists/{id}/waitees/{waitee["id"]}/notify", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await app.DrainAsync();
        await app.DrainAsync(); // a second pass finds nothing more to send

        var mails = await app.Smtp.WaitForAsync(m => m.To == email, 1, TimeSpan.FromSeconds(5));
        var mail = Assert.Single(mails);
        Assert.Contains("Subject: Your table at Da Mario is ready", mail.Data, StringComparison.Ordinal);
        Assert.Contains("From: Tavolo <tables@tavolo.test>", mail.Data, StringComparison.Ordinal);
        var text = MimeKit.MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(mail.Data))).TextBody;
        Assert.Contains($"http://localhost:5080/g/{waitee["guestToken"]}", text, StringComparison.Ordinal); // the guest page link
        var notification = Assert.Single(await NotificationsAsync(staff, id))!;
        Assert.Equal("email", (string)notification["channel"]!);
        Assert.Equal("SENT", (string)notification["status"]!);
        Assert.Equal(1, (int)notification["attempts"]!);
        var now = await (await staff.GetAsync($"/waitlists/{id}/waitees/{waitee["id"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("NOTIFIED", (string)now["status"]!);
        Assert.NotNull(now["notifiedAt"]);
    }

    [Fact]
    public async Task The_webhook_gets_a_signed_json_body_it_can_verify()
    {
        using var receiver = new WebhookReceiver();
        var (staff, id) = await NewWaitlistAsync(receiver.Url);
        var secret = (string)(await (await staff.GetAsync($"/waitlists/{id}")).ReadJsonAsync(HttpStatusCode.OK))["webhookSecret"]!;
        var waitee = await AddAsync(staff, id, new { name = "Verdi", partySize = 2, phone = "+393331234567" });
        await staff.PostAsync($"/waitlists/{id}/waitees/{waitee["id"]}/notify", null);
        await app.DrainAsync();

        var notification = Assert.Single(await NotificationsAsync(staff, id))!; // no email: the waitee gave only a phone
        // One call when all goes well; a retried attempt (a dropped response) repeats the same notification id.
        Assert.True(receiver.Calls.Count == 1 || notification["lastError"] is not null, $"{receiver.Calls.Count} calls: {notification.ToJsonString()}");
        Assert.Single(receiver.Calls.Select(c => c.Headers["X-Tavolo-Notification-Id"]).Distinct());
        var (headers, body) = receiver.Calls.Last();
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        Assert.Equal(expected, headers["X-Tavolo-Signature"]);
        var payload = JsonNode.Parse(body)!;
        Assert.Equal("table-ready", (string)payload["type"]!);
        Assert.Equal((string)waitee["id"]!, (string)payload["waiteeId"]!);
        Assert.Equal("+393331234567", (string)payload["phone"]!);
        Assert.Equal(headers["X-Tavolo-Notification-Id"], (string)payload["notificationId"]!);
        Assert.Equal("webhook", (string)notification["channel"]!);
        Assert.Equal("SENT", (string)notification["status"]!);
    }

    [Fact]
    public async Task A_failing_channel_ends_failed_after_five_attempts_and_is_dead_lettered()
    {
        using var receiver = new WebhookReceiver { Status = 500 };
        var (staff, id) = await NewWaitlistAsync(receiver.Url);
        var deadBefore = await app.Get<INotificationQueue>().CountDeadLettersAsync(default);
        var waitee = await AddAsync(staff, id, new { name = "Neri", partySize = 2, phone = "+393331234568" });
        await staff.PostAsync($"/waitlists/{id}/waitees/{waitee["id"]}/notify", null);
        // Drain until the fifth failure has dead-lettered it (bounded: a loaded CI machine may need more passes).
        for (var i = 0; i < 50 && await app.Get<INotificationQueue>().CountDeadLettersAsync(default) == deadBefore; i++)
            await app.DrainAsync(TimeSpan.FromMilliseconds(200));

        Assert.Equal(5, receiver.Calls.Count);
        var notification = Assert.Single(await NotificationsAsync(staff, id))!;
        Assert.Equal("FAILED", (string)notification["status"]!);
        Assert.Equal(5, (int)notification["attempts"]!);
        Assert.Contains("500", (string)notification["lastError"]!, StringComparison.Ordinal);
        Assert.Equal(deadBefore + 1, await app.Get<INotificationQueue>().CountDeadLettersAsync(default));
        var now = await (await staff.GetAsync($"/waitlists/{id}/waitees/{waitee["id"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("WAITING", (string)now["status"]!);
    }

    [Fact]
    public async Task A_consumer_that_dies_between_claim_and_send_leads_to_exactly_one_delivery()
    {
        var (staff, id) = await NewWaitlistAsync();
        var email = TavoloApp.NewEmail("crash");
        var waitee = await AddAsync(staff, id, new { name = "Gialli", partySize = 2, email });
        await staff.PostAsync($"/waitlists/{id}/waitees/{waitee["id"]}/notify", null);

        // Consumer A receives the message and takes the send lease, then the process dies.
        var queue = app.Get<INotificationQueue>();
        var store = app.Get<INotificationStore>();
        var consumer = app.Get<NotificationConsumer>();
        var notificationId = (string)(await NotificationsAsync(staff, id))[0]!["id"]!;
        ReceivedMessage? message = null;
        while (message is null)
        {
            var received = Assert.Single(await queue.ReceiveAsync(1, consumer.Visibility, TimeSpan.Zero, default));
            if (NotificationMessage.TryParse(received.Body)?.NotificationId == notificationId)
                message = received;
            else
                await queue.RetryLaterAsync(received.ReceiptHandle, TimeSpan.Zero, default); // another test's leftover
        }
        Assert.True(await store.BeginAttemptAsync(notificationId, DateTime.UtcNow, DateTime.UtcNow + consumer.Visibility * 0.9, default));

        // Nothing is sent while A's message is invisible; after the timeout consumer B gets it and sends once.
        await app.DrainAsync();
        Assert.DoesNotContain(app.Smtp.Messages, m => m.To == email);
        await app.DrainUntilAsync(() => app.Smtp.Messages.Any(m => m.To == email), consumer.Visibility + TimeSpan.FromSeconds(10));
        Assert.Single(app.Smtp.Messages, m => m.To == email);
        var notification = Assert.Single(await NotificationsAsync(staff, id))!;
        Assert.Equal("SENT", (string)notification["status"]!);
        Assert.Equal(2, (int)notification["attempts"]!);
    }

    [Fact]
    public async Task A_redelivered_message_for_a_sent_notification_sends_nothing()
    {
        var (staff, id) = await NewWaitlistAsync();
        var email = TavoloApp.NewEmail("dup");
        var waitee = await AddAsync(staff, id, new { name = "Blu", partySize = 2, email });
        await staff.PostAsync($"/waitlists/{id}/waitees/{waitee["id"]}/notify", null);
        await app.DrainAsync();
        var notificationId = (string)(await NotificationsAsync(staff, id))[0]!["id"]!;

        await app.Get<INotificationQueue>().EnqueueAsync(NotificationMessage.Serialize(notificationId), default); // SQS may deliver twice
        await app.DrainAsync(); // handles the copy to the end: nothing of it is left running
        Assert.Single(app.Smtp.Messages, m => m.To == email);
        Assert.Equal(1, (int)(await NotificationsAsync(staff, id))[0]!["attempts"]!); // the copy was refused before any attempt
    }

    [Fact]
    public async Task A_malformed_message_is_dead_lettered_and_the_consumer_goes_on()
    {
        var queue = app.Get<INotificationQueue>();
        var before = await queue.CountDeadLettersAsync(default);
        await queue.EnqueueAsync("{not json", default);
        await queue.EnqueueAsync("""{"v":99,"type":"table-ready","notificationId":"x"}""", default);
        await app.DrainAsync();
        Assert.Equal(before + 2, await queue.CountDeadLettersAsync(default));
    }

    [Fact]
    public async Task The_producer_notifies_waitees_when_their_time_comes()
    {
        var (staff, id) = await NewWaitlistAsync();
        var now = await AddAsync(staff, id, new { name = "Due", partySize = 2, email = TavoloApp.NewEmail("due"), notifyInMinutes = 0 });
        var later = await AddAsync(staff, id, new { name = "Later", partySize = 2, email = TavoloApp.NewEmail("later"), notifyInMinutes = 30 });
        var never = await AddAsync(staff, id, new { name = "Never", partySize = 2, email = TavoloApp.NewEmail("never") });

        await app.Get<NotificationProducer>().RunOnceAsync(default);
        await app.DrainAsync();
        var statuses = new Dictionary<string, string>();
        foreach (var w in new[] { now, later, never })
            statuses[(string)w["name"]!] = (string)(await (await staff.GetAsync($"/waitlists/{id}/waitees/{w["id"]}")).ReadJsonAsync(HttpStatusCode.OK))["status"]!;
        Assert.Equal("NOTIFIED", statuses["Due"]);
        Assert.Equal("WAITING", statuses["Later"]);
        Assert.Equal("WAITING", statuses["Never"]);
        Assert.Single(await NotificationsAsync(staff, id));
    }

    [Fact]
    public async Task Two_producers_on_one_database_claim_each_due_waitee_once()
    {
        var (staff, id) = await NewWaitlistAsync();
        var waitees = new List<string>();
        for (var i = 0; i < 30; i++)
            waitees.Add((string)(await AddAsync(staff, id, new { name = "P" + i, partySize = 2, phone = "+3933312345" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture), notifyInMinutes = 0 }))["id"]!);

        // A second "process": its own database object, store and producer over the same file.
        var options = app.Get<IOptions<TavoloOptions>>();
#if AWS_BACKENDS
        var dynamo = app.Get<Amazon.DynamoDBv2.IAmazonDynamoDB>();
        var tables = app.Get<Tavolo.Storage.Aws.DynamoTables>();
        var otherStore = new Tavolo.Storage.Aws.DynamoWaitlistStore(dynamo, tables);
        var otherQueue = new Tavolo.Storage.Aws.SqsNotificationQueue(app.Get<Amazon.SQS.IAmazonSQS>(), options);
#else
        using var otherDatabase = new SqliteDatabase(options);
        var otherStore = new SqliteWaitlistStore(otherDatabase);
        var otherQueue = new SqliteNotificationQueue(otherDatabase, TimeProvider.System);
#endif
        var otherProducer = new NotificationProducer(otherStore, otherQueue,
            app.Get<EmailChannel>(), app.Get<WaitlistChanges>(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<NotificationProducer>.Instance);
        var counts = await Task.WhenAll(app.Get<NotificationProducer>().RunOnceAsync(default), otherProducer.RunOnceAsync(default));

        var notifications = await NotificationsAsync(staff, id);
        Assert.Equal(30, counts.Sum());
        Assert.Equal(30, notifications.Count);
        Assert.Equal(30, notifications.Select(n => (string)n!["waiteeId"]!).Distinct().Count());
        await app.DrainAsync();
    }
}

/// <summary>The in-process loops: a staff "notify now" reaches the guest within seconds, not at the next tick.</summary>
public sealed class BackgroundNotificationApp : SmtpApp;

public sealed class BackgroundNotificationTests(BackgroundNotificationApp app) : IClassFixture<BackgroundNotificationApp>
{
    [Fact]
    public async Task Notify_now_reaches_the_guest_within_seconds()
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var waitlist = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Subito" })).ReadJsonAsync(HttpStatusCode.Created);
        var email = TavoloApp.NewEmail("fast");
        var waitee = await (await staff.PostAsJsonAsync($"/waitlists/{waitlist["id"]}/waitees", new { name = "Fast", partySize = 2, email }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var started = DateTime.UtcNow;
        await staff.PostAsync($"/waitlists/{waitlist["id"]}/waitees/{waitee["id"]}/notify", null);
        Assert.Single(await app.Smtp.WaitForAsync(m => m.To == email, 1, TimeSpan.FromSeconds(10)));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"took {DateTime.UtcNow - started}");
    }
}
