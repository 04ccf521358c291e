using Microsoft.Extensions.Options;

namespace Tavolo.Waitlists.Notifications;

/// <summary>
/// Finds WAITING waitees whose time has come, claims each once (the store's conditional write), records one
/// notification per channel (the outbox) and puts a message for each on the queue. Runs every minute (an
/// in-process timer locally, an EventBridge schedule on AWS) and at once when staff press "notify".
/// </summary>
public sealed partial class NotificationProducer(
    INotificationStore store, INotificationQueue queue, EmailChannel email, WaitlistChanges changes, TimeProvider clock,
    ILogger<NotificationProducer> logger)
{
    private const int Batch = 100;

    /// <summary>One pass; returns how many notifications it queued.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = NotificationTelemetry.StartProduce();
        var queued = 0;
        // Outbox rows whose enqueue was cut short by a crash (older than a minute, so not a live pass's).
        foreach (var stranded in await store.ListUnenqueuedAsync(Now.AddMinutes(-1), Batch, cancellationToken))
            queued += await EnqueueAsync(stranded, cancellationToken);

        IReadOnlyList<Notification> claimed;
        do
        {
            claimed = await store.ClaimDueAsync(Now, Batch, Plan, cancellationToken);
            foreach (var notification in claimed)
                queued += await EnqueueAsync(notification, cancellationToken);
        } while (claimed.Count > 0 && !cancellationToken.IsCancellationRequested);

        if (queued > 0)
            LogQueued(logger, queued);
        return queued;
    }

    /// <summary>The channels for one waitee: email (if SMTP is set up and it gave one), the waitlist's webhook, else the outbox.</summary>
    private IReadOnlyList<(string Channel, string To)> Plan(Waitee waitee, Waitlist waitlist)
    {
        var channels = new List<(string, string)>();
        if (email.Enabled && waitee.Email is { } address)
            channels.Add((Channels.Email, address));
        if (waitlist.WebhookUrl is { } url)
            channels.Add((Channels.Webhook, url));
        if (channels.Count == 0)
            channels.Add((Channels.Outbox, waitee.Email ?? waitee.Phone ?? ""));
        return channels;
    }

    private async Task<int> EnqueueAsync(Notification notification, CancellationToken cancellationToken)
    {
        using (NotificationTelemetry.StartSend(notification.Id)) // the message carries this span's context to the consumer
            await queue.EnqueueAsync(NotificationMessage.Serialize(notification.Id), cancellationToken);
        await store.MarkEnqueuedAsync(notification.Id, Now, cancellationToken);
        changes.Publish(notification.WaitlistId, WaitlistChange.NotificationKind, notification.Id); // QUEUED, live on the host's page
        return 1;
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {Count} notifications")]
    private static partial void LogQueued(ILogger logger, int count);
}

/// <summary>The local home of the producer: a <see cref="PeriodicTimer"/> in the process.</summary>
public sealed partial class NotificationProducerService(
    NotificationProducer producer, IOptions<NotificationOptions> options, ILogger<NotificationProducerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.ProducerIntervalSeconds)));
        try
        {
            do
            {
                try
                {
                    await producer.RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, e);
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        // A host whose start failed disposes the service without stopping it: the cancelled tick is the end, not a fault.
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The notification producer pass failed; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
