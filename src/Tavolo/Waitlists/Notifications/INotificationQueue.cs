namespace Tavolo.Waitlists.Notifications;

/// <summary>A message as received: its body, how many times it has been received, and the handle to delete it.</summary>
public sealed record ReceivedMessage(string MessageId, string Body, string ReceiptHandle, int ReceiveCount);

/// <summary>
/// The notification queue port (SQLite table locally, SQS on AWS). Promises: at-least-once delivery; a received
/// message is invisible to others until its visibility timeout ends, then redelivered with a higher receive count;
/// a handle from an earlier receive cannot delete a message someone else has since received. No ordering promise.
/// </summary>
public interface INotificationQueue
{
    /// <summary>The largest receive count before a message is moved to the dead-letter queue.</summary>
    public const int MaxReceives = 5;

    Task EnqueueAsync(string body, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int max, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken);

    Task DeleteAsync(string receiptHandle, CancellationToken cancellationToken);

    /// <summary>Makes a received message visible again after <paramref name="delay"/> (back-off before the next try).</summary>
    Task RetryLaterAsync(string receiptHandle, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Moves a received message to the dead-letter queue now (malformed, or out of attempts).</summary>
    Task DeadLetterAsync(ReceivedMessage message, string reason, CancellationToken cancellationToken);

    Task<int> CountDeadLettersAsync(CancellationToken cancellationToken);
}
