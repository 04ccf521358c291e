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
    public static Amazon.DynamoDBv2.IAmazonDynamoDB Dynamo(string serviceUrl) =>
        new Amazon.DynamoDBv2.AmazonDynamoDBClient(AwsClients.EmulatorCredentials(serviceUrl), AwsClients.Configure(new Amazon.DynamoDBv2.AmazonDynamoDBConfig(), serviceUrl));

    public static IAmazonSQS Sqs(string serviceUrl) =>
        new AmazonSQSClient(AwsClients.EmulatorCredentials(serviceUrl), AwsClients.Configure(new AmazonSQSConfig(), serviceUrl));
}

/// <summary>The DynamoDB tables, freshly created under a prefix of their own, per test class.</summary>
public sealed class DynamoFixture : IAsyncLifetime
{
    public Amazon.DynamoDBv2.IAmazonDynamoDB Client { get; private set; } = null!;

    public DynamoTables Tables { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new TavoloOptions();
        options.DynamoDb.ServiceUrl = await Emulators.DynamoDbAsync();
        options.DynamoDb.TablePrefix = "c" + Guid.NewGuid().ToString("N")[..8] + "-";
        Client = AwsTestClients.Dynamo(options.DynamoDb.ServiceUrl);
        Tables = new DynamoTables(Options.Create(options));
        await Tables.CreateIfMissingAsync(Client, default);
        await Tables.CreateIfMissingAsync(Client, default); // idempotent
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class DynamoOrderStoreTests(DynamoFixture dynamo) : OrderStoreContract, IClassFixture<DynamoFixture>
{
    protected override Tavolo.Orders.IOrderStore Store { get; } = new DynamoOrderStore(dynamo.Client, dynamo.Tables);
}

public sealed class DynamoIdempotencyStoreTests(DynamoFixture dynamo) : IdempotencyStoreContract, IClassFixture<DynamoFixture>
{
    protected override IIdempotencyStore Store { get; } = new DynamoIdempotencyStore(dynamo.Client, dynamo.Tables);
}

public sealed class DynamoUserStoreTests(DynamoFixture dynamo) : UserStoreContract, IClassFixture<DynamoFixture>
{
    protected override Tavolo.Users.IUserStore Store { get; } = new DynamoUserStore(dynamo.Client, dynamo.Tables);
}

public sealed class DynamoSessionStoreTests(DynamoFixture dynamo) : SessionStoreContract, IClassFixture<DynamoFixture>
{
    protected override Tavolo.Auth.ISessionStore Store { get; } = new DynamoSessionStore(dynamo.Client, dynamo.Tables);
}

public sealed class DynamoWaitlistStoreTests(DynamoFixture dynamo) : WaitlistStoreContract, IClassFixture<DynamoFixture>
{
    private readonly DynamoWaitlistStore _waitlists = new(dynamo.Client, dynamo.Tables);

    protected override Tavolo.Waitlists.IWaitlistStore Waitlists => _waitlists;

    protected override Tavolo.Waitlists.Notifications.INotificationStore Notifications => new DynamoNotificationStore(dynamo.Client, dynamo.Tables, _waitlists);
}
