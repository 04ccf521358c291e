using Amazon.SQS;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tavolo.Idempotency;
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

public sealed class DynamoMenuStoreTests(DynamoFixture dynamo) : MenuStoreContract, IClassFixture<DynamoFixture>
{
    protected override Tavolo.Restaurants.IMenuStore Store { get; } = new DynamoMenuStore(dynamo.Client, dynamo.Tables);
}

public sealed class DynamoRestaurantStoreTests(DynamoFixture dynamo) : RestaurantStoreContract, IClassFixture<DynamoFixture>
{
    protected override Tavolo.Restaurants.IRestaurantStore Store { get; } = new DynamoRestaurantStore(dynamo.Client, dynamo.Tables);
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

public sealed class DynamoWaitlistStoreTests(DynamoFixture dynamo) : WaitlistStoreContract<DynamoWaitlistStore>, IClassFixture<DynamoFixture>
{
    protected override DynamoWaitlistStore Store { get; } = new(dynamo.Client, dynamo.Tables);
}

/// <summary>DynamoDB has no transaction around "claim the waitee, write its notifications": a dead producer's claim is finished by the next pass.</summary>
public sealed class DynamoClaimRepairTests(DynamoFixture dynamo) : IClassFixture<DynamoFixture>
{
    [Fact]
    public async Task A_claim_whose_producer_died_is_finished_by_a_later_pass_exactly_once()
    {
        var t0 = new DateTime(2026, 11, 23, 18, 0, 0, DateTimeKind.Utc);
        var waitlists = new DynamoWaitlistStore(dynamo.Client, dynamo.Tables);
        var notifications = waitlists; // the one adapter serves both ports
        var list = new Tavolo.Waitlists.Waitlist(Guid.NewGuid().ToString("N"), "owner", "L", null, 10, true, null, "secret", t0, t0);
        await waitlists.CreateAsync(list, default);
        var waitee = (await waitlists.AddWaiteeAsync(new Tavolo.Waitlists.Waitee(Guid.NewGuid().ToString("N"), list.Id, "P", 2, null, "+14155550123", null,
            "WAITING", t0, t0, null, null, null, Guid.NewGuid().ToString("N"), 0), false, _ => 0, default))!;
        // What a producer leaves when it dies right after its claim: the waitee marked CLAIMED with its plan, no notification.
        await dynamo.Client.UpdateItemAsync(new Amazon.DynamoDBv2.Model.UpdateItemRequest
        {
            TableName = dynamo.Tables.Waitlists.Name,
            Key = new() { ["pk"] = Dynamo.S("WAITEE#" + waitee.Id), ["sk"] = Dynamo.S("WAITEE") },
            UpdateExpression = "SET gsi2pk = :claimed, gsi2sk = :key, claimedAt = :at, claimPlan = :plan REMOVE dueAt ADD queued :one",
            ExpressionAttributeValues = new()
            {
                [":claimed"] = Dynamo.S("CLAIMED"), [":key"] = Dynamo.S(Dynamo.Time(t0) + "#" + waitee.Id), [":at"] = Dynamo.T(t0),
                [":plan"] = Dynamo.S("n-" + waitee.Id + "\toutbox\t+14155550123"), [":one"] = Dynamo.N(1),
            },
        });
        IReadOnlyList<(string, string)> Outbox(Tavolo.Waitlists.Waitee w, Tavolo.Waitlists.Waitlist l) => [("outbox", w.Phone!)];

        Assert.DoesNotContain(await notifications.ClaimDueAsync(t0.AddSeconds(30), 100, Outbox, default), n => n.WaiteeId == waitee.Id); // may still be live
        var repaired = Assert.Single(await notifications.ClaimDueAsync(t0.AddMinutes(2), 100, Outbox, default), n => n.WaiteeId == waitee.Id);
        Assert.Equal("n-" + waitee.Id, repaired.Id);
        Assert.DoesNotContain(await notifications.ClaimDueAsync(t0.AddMinutes(3), 100, Outbox, default), n => n.WaiteeId == waitee.Id);
        Assert.NotNull(await notifications.FindDeliveryAsync(repaired.Id, default));
        Assert.False(await waitlists.MakeDueAsync(waitee.Id, t0.AddMinutes(3), default)); // on its way
    }
}
