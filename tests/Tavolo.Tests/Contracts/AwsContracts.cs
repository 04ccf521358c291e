using Amazon.SQS;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tavolo.Platform;
using Tavolo.Storage.Aws;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Tests.Contracts;

/// <summary>The queue contract against SQS (fauxqs on 127.0.0.1), in real time: each test gets its own queue pair.</summary>
public sealed class SqsNotificationQueueTests : NotificationQueueContract
{
    protected override TimeSpan Visibility => TimeSpan.FromSeconds(1);

    protected override Task PassAsync(TimeSpan span) => Task.Delay(span);

    protected override async Task<INotificationQueue> NewQueueAsync(FakeTimeProvider clock)
    {
        var options = new TavoloOptions();
        options.Sqs.ServiceUrl = await Emulators.SqsAsync();
        options.Sqs.QueueName = "contract-" + Guid.NewGuid().ToString("N")[..12];
        var queue = new SqsNotificationQueue(AwsTestClients.Sqs(options.Sqs.ServiceUrl), Options.Create(options));
        await queue.CreateIfMissingAsync(default);
        return queue;
    }
}

public static class AwsTestClients
{
    public static IAmazonSQS Sqs(string serviceUrl) =>
        new AmazonSQSClient(AwsClients.EmulatorCredentials(serviceUrl), AwsClients.Configure(new AmazonSQSConfig(), serviceUrl));
}
