using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Waitlists.Notifications;

/// <summary>
/// Delivers queued notifications. Per message: read the outbox row; skip it if already SENT or FAILED (a
/// redelivery); take the send lease (a conditional write, so two copies of one message never send at once);
/// send through the channel; mark SENT and the waitee NOTIFIED; delete the message. A failure retries with
/// back-off; the fifth failed attempt marks the notification FAILED and dead-letters the message. A message that
/// does not parse is dead-lettered at once.
/// </summary>
public sealed partial class NotificationConsumer(
    INotificationStore store, INotificationQueue queue, EmailChannel email, WebhookChannel webhook, WaitlistChanges changes,
    IOptions<NotificationOptions> options, TimeProvider clock, ILogger<NotificationConsumer> logger)
{
    private readonly NotificationOptions _options = options.Value;

    public TimeSpan Visibility => TimeSpan.FromSeconds(_options.VisibilitySeconds);

    /// <summary>Handles one message; false when it should count as a failure of this delivery (it will come back).</summary>
    public async Task<bool> HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        if (NotificationMessage.TryParse(message.Body) is not { } parsed)
        {
            LogMalformed(logger, message.MessageId);
            await queue.DeadLetterAsync(message, "malformed message", cancellationToken);
            return true;
        }
        using var activity = NotificationTelemetry.StartProcess(parsed); // the producer's trace, through the queue

        var delivery = await store.FindDeliveryAsync(parsed.NotificationId, cancellationToken);
        if (delivery is null || delivery.Notification.Status != NotificationStatus.Queued)
        {
            await queue.DeleteAsync(message.ReceiptHandle, cancellationToken); // gone with its waitlist, or already done
            return true;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // The lease ends a little before the message's visibility, so the redelivery after a crash finds it free.
        if (!await store.BeginAttemptAsync(delivery.Notification.Id, now, now + Visibility * 0.9, cancellationToken))
        {
            await queue.RetryLaterAsync(message.ReceiptHandle, Visibility, cancellationToken); // another copy is being sent
            return false;
        }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_options.AttemptTimeout); // one slow target holds this attempt, no longer
        try
        {
            using var send = NotificationTelemetry.StartChannel(delivery.Notification.Channel);
            await SendAsync(delivery, attempt.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var final = message.ReceiveCount >= INotificationQueue.MaxReceives;
            var error = attempt.IsCancellationRequested ? $"{delivery.Notification.Channel} timed out" : e.Message;
            activity.Failed(e);
            NotificationTelemetry.Count(delivery.Notification.Channel, final ? "dead_lettered" : "failed");
            LogAttemptFailed(logger, delivery.Notification.Id, message.ReceiveCount, final, error);
            await store.MarkFailedAttemptAsync(delivery.Notification.Id, Truncate(error), final, cancellationToken);
            changes.Publish(delivery.Waitlist.Id, WaitlistChange.NotificationKind, delivery.Notification.Id);
            if (final)
                await queue.DeadLetterAsync(message, "delivery failed " + message.ReceiveCount + " times", cancellationToken);
            else
                await queue.RetryLaterAsync(message.ReceiptHandle, _options.Backoff(message.ReceiveCount), cancellationToken);
            return false;
        }

        await store.MarkSentAsync(delivery.Notification.Id, delivery.Waitee.Id, clock.GetUtcNow().UtcDateTime, cancellationToken);
        NotificationTelemetry.Count(delivery.Notification.Channel, "sent");
        changes.Publish(delivery.Waitlist.Id, WaitlistChange.NotificationKind, delivery.Notification.Id); // and the waitee is NOTIFIED:
        changes.Publish(delivery.Waitlist.Id, WaitlistChange.WaiteeKind, delivery.Waitee.Id);            // "your table is ready", live
        await queue.DeleteAsync(message.ReceiptHandle, cancellationToken);
        return true;
    }

    private Task SendAsync(Delivery delivery, CancellationToken cancellationToken) => delivery.Notification.Channel switch
    {
        Channels.Email => email.SendAsync(delivery, cancellationToken),
        Channels.Webhook => webhook.SendAsync(delivery, cancellationToken),
        _ => Task.CompletedTask, // the outbox record is the notification
    };

    private static string Truncate(string error) => error.Length > 500 ? error[..500] : error;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered malformed queue message {MessageId}")]
    private static partial void LogMalformed(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} attempt {Attempt} failed (final: {Final}): {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string notificationId, int attempt, bool final, string error);
}

/// <summary>
/// The local/container home of the consumer: drains the queue as messages arrive, up to
/// <c>Tavolo__Notifications__Concurrency</c> messages side by side — it receives only as many as it has free slots, so
/// a message is never held invisible while it waits behind others. On stop it lets the sends under way finish.
/// </summary>
public sealed partial class NotificationConsumerService(
    NotificationConsumer consumer, INotificationQueue queue, IOptions<NotificationOptions> options, ILogger<NotificationConsumerService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var concurrency = Math.Max(1, options.Value.Concurrency);
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken); // one free slot; only this loop takes them, so the rest stay free
                var free = 1 + slots.CurrentCount;
                IReadOnlyList<ReceivedMessage> messages;
                try
                {
                    messages = await queue.ReceiveAsync(Math.Min(10, free), consumer.Visibility, TimeSpan.FromSeconds(5), stoppingToken);
                }
                catch
                {
                    slots.Release();
                    throw;
                }
                for (var i = 1; i < messages.Count; i++)
                    slots.Wait(0, CancellationToken.None); // free, as counted above
                if (messages.Count == 0)
                    slots.Release();
                running.RemoveAll(t => t.IsCompleted);
                foreach (var message in messages)
                    running.Add(HandleAsync(message, slots, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        await Task.WhenAll(running);
    }

    private async Task HandleAsync(ReceivedMessage message, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield(); // off the loop: the next receive does not wait for this send
            await consumer.HandleAsync(message, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the message comes back after its visibility timeout.
        }
        catch (Exception e)
        {
            LogFailed(logger, e); // the message comes back after its visibility timeout
        }
        finally
        {
            slots.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The notification consumer loop failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
