using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Options;
using Tavolo.Platform;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Storage.Aws;

/// <summary>
/// The notification queue on SQS: a standard queue whose redrive policy moves a message to <c>{name}-dlq</c> after
/// <see cref="INotificationQueue.MaxReceives"/> receives. Serves both homes of the consumer: the long-polling loop
/// of a container, and (through the same Delete/ChangeVisibility calls) the Lambda SQS event source.
/// </summary>
public sealed class SqsNotificationQueue(IAmazonSQS sqs, IOptions<TavoloOptions> options) : INotificationQueue
{
    private readonly string _name = options.Value.Sqs.QueueName;
    private string? _url;
    private string? _deadLetterUrl;

    public async Task EnqueueAsync(string body, CancellationToken cancellationToken) =>
        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = await UrlAsync(cancellationToken), MessageBody = body }, cancellationToken);

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int max, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken)
    {
        var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = await UrlAsync(cancellationToken),
            MaxNumberOfMessages = Math.Clamp(max, 1, 10),
            VisibilityTimeout = Seconds(visibility),
            WaitTimeSeconds = Math.Clamp((int)wait.TotalSeconds, 0, 20),
            MessageSystemAttributeNames = ["ApproximateReceiveCount"],
        }, cancellationToken);
        return (response.Messages ?? []).Select(m => new ReceivedMessage(
            m.MessageId, m.Body, m.ReceiptHandle,
            m.Attributes?.TryGetValue("ApproximateReceiveCount", out var count) == true ? int.Parse(count, CultureInfo.InvariantCulture) : 1)).ToList();
    }

    public async Task DeleteAsync(string receiptHandle, CancellationToken cancellationToken)
    {
        try
        {
            await sqs.DeleteMessageAsync(await UrlAsync(cancellationToken), receiptHandle, cancellationToken);
        }
        catch (ReceiptHandleIsInvalidException)
        {
            // A handle from another receive (or a synthetic event): nothing of ours to delete.
        }
    }

    public async Task RetryLaterAsync(string receiptHandle, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await sqs.ChangeMessageVisibilityAsync(await UrlAsync(cancellationToken), receiptHandle, Seconds(delay), cancellationToken);
        }
        catch (Exception e) when (e is ReceiptHandleIsInvalidException or MessageNotInflightException)
        {
            // Visible again already: it comes back on its own.
        }
    }

    public async Task DeadLetterAsync(ReceivedMessage message, string reason, CancellationToken cancellationToken)
    {
        await sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = await DeadLetterUrlAsync(cancellationToken),
            MessageBody = message.Body,
            MessageAttributes = new() { ["reason"] = new MessageAttributeValue { DataType = "String", StringValue = reason } },
        }, cancellationToken);
        await DeleteAsync(message.ReceiptHandle, cancellationToken);
    }

    public async Task<int> CountDeadLettersAsync(CancellationToken cancellationToken)
    {
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = await DeadLetterUrlAsync(cancellationToken),
            AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }, cancellationToken);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }

    /// <summary>Creates the queue and its dead-letter queue (redrive after <see cref="INotificationQueue.MaxReceives"/>) when missing.</summary>
    public async Task CreateIfMissingAsync(CancellationToken cancellationToken)
    {
        var deadLetters = await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = _name + "-dlq", Attributes = new() { ["MessageRetentionPeriod"] = "1209600" } }, cancellationToken);
        var arn = (await sqs.GetQueueAttributesAsync(deadLetters.QueueUrl, ["QueueArn"], cancellationToken)).QueueARN;
        await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = _name,
            Attributes = new()
            {
                ["VisibilityTimeout"] = "30",
                ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{arn}}","maxReceiveCount":"{{INotificationQueue.MaxReceives}}"}""",
            },
        }, cancellationToken);
    }

    private async Task<string> UrlAsync(CancellationToken cancellationToken) =>
        _url ??= (await sqs.GetQueueUrlAsync(_name, cancellationToken)).QueueUrl;

    private async Task<string> DeadLetterUrlAsync(CancellationToken cancellationToken) =>
        _deadLetterUrl ??= (await sqs.GetQueueUrlAsync(_name + "-dlq", cancellationToken)).QueueUrl;

    private static int Seconds(TimeSpan span) => Math.Clamp((int)Math.Ceiling(span.TotalSeconds), 0, 43_200);
}
