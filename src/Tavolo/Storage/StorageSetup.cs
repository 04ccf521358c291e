using Amazon.DynamoDBv2;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tavolo.Auth;
using Tavolo.Idempotency;
using Tavolo.Orders;
using Tavolo.Platform;
using Tavolo.PromoCodes;
using Tavolo.Restaurants;
using Tavolo.Storage.Aws;
using Tavolo.Storage.Postgres;
using Tavolo.Storage.Sqlite;
using Tavolo.Users;
using Tavolo.Waitlists;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Storage;

/// <summary>Picks the adapter behind each port from configuration (<c>Tavolo__Storage</c>, ...).</summary>
public static class StorageSetup
{
    public static IServiceCollection AddStorage(this IServiceCollection services, TavoloOptions options)
    {
        switch (options.Storage.ToLowerInvariant())
        {
            case "sqlite":
                services.TryAddSingleton<SqliteDatabase>();
                services.AddSingleton<IUserStore, SqliteUserStore>();
                services.AddSingleton<ISessionStore, SqliteSessionStore>();
                services.AddSingleton<SqliteWaitlistStore>(); // one adapter, both waitlist ports: they share the waitee rows
                services.AddSingleton<IWaitlistStore>(sp => sp.GetRequiredService<SqliteWaitlistStore>());
                services.AddSingleton<INotificationStore>(sp => sp.GetRequiredService<SqliteWaitlistStore>());
                services.AddSingleton<IOrderStore, SqliteOrderStore>();
                services.AddSingleton<IMenuStore, SqliteMenuStore>();
                services.AddSingleton<IRestaurantStore, SqliteRestaurantStore>();
                services.AddSingleton<IIdempotencyStore, SqliteIdempotencyStore>();
                services.AddHealthChecks().AddCheck<SqliteHealthCheck>("storage");
                services.AddExceptionHandler<SqliteUnavailableHandler>(); // disk full, read-only, locked: 503
                services.AddSingleton<SqliteSweeper>();
                services.AddHostedService<SqliteSweeperService>();
                break;
            case "dynamodb":
                services.TryAddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient(
                    AwsClients.EmulatorCredentials(options.DynamoDb.ServiceUrl), AwsClients.Configure(new AmazonDynamoDBConfig(), options.DynamoDb.ServiceUrl)));
                services.AddSingleton<DynamoTables>();
                services.AddSingleton<IUserStore, DynamoUserStore>();
                services.AddSingleton<ISessionStore, DynamoSessionStore>();
                services.AddSingleton<DynamoWaitlistStore>();
                services.AddSingleton<IWaitlistStore>(sp => sp.GetRequiredService<DynamoWaitlistStore>());
                services.AddSingleton<INotificationStore>(sp => sp.GetRequiredService<DynamoWaitlistStore>());
                services.AddSingleton<IOrderStore, DynamoOrderStore>();
                services.AddSingleton<IMenuStore, DynamoMenuStore>();
                services.AddSingleton<IRestaurantStore, DynamoRestaurantStore>();
                services.AddSingleton<DynamoRestaurantBackfill>();
                services.AddSingleton<ILambdaEventHandler, RestaurantBackfillEvent>(); // a deploy runs the backfill (docs/dynamodb.md)
                services.AddSingleton<IIdempotencyStore, DynamoIdempotencyStore>();
                services.AddHealthChecks().AddCheck<DynamoHealthCheck>("storage");
                break;
            default:
                throw new InvalidOperationException($"Tavolo__Storage '{options.Storage}' is not supported; use 'sqlite' or 'dynamodb'.");
        }
        switch (options.PromoCodes.Storage.ToLowerInvariant())
        {
            case "sqlite":
                services.TryAddSingleton<SqliteDatabase>();
                services.AddSingleton<IPromoCodeStore, SqlitePromoCodeStore>();
                break;
            case "postgres":
                services.AddSingleton<PostgresDatabase>();
                services.AddSingleton<IPromoCodeStore, PostgresPromoCodeStore>();
                if (options.Serves("promo-codes") || options.Serves("orders")) // the only modules that open it
                    services.AddHealthChecks().AddCheck<PostgresHealthCheck>("promo-codes");
                break;
            default:
                throw new InvalidOperationException($"Tavolo__PromoCodes__Storage '{options.PromoCodes.Storage}' is not supported; use 'sqlite' or 'postgres'.");
        }
        switch (options.Queue.ToLowerInvariant())
        {
            case "sqlite":
                services.TryAddSingleton<SqliteDatabase>();
                services.AddSingleton<INotificationQueue, SqliteNotificationQueue>();
                break;
            case "sqs":
                services.TryAddSingleton<IAmazonSQS>(_ => new AmazonSQSClient(
                    AwsClients.EmulatorCredentials(options.Sqs.ServiceUrl), AwsClients.Configure(new AmazonSQSConfig(), options.Sqs.ServiceUrl)));
                services.AddSingleton<SqsNotificationQueue>();
                services.AddSingleton<INotificationQueue>(sp => sp.GetRequiredService<SqsNotificationQueue>());
                if (options.Serves("waitlists") || options.Serves("notifications")) // the only modules that use it
                    services.AddHealthChecks().AddCheck<SqsHealthCheck>("queue");
                break;
            default:
                throw new InvalidOperationException($"Tavolo__Queue '{options.Queue}' is not supported; use 'sqlite' or 'sqs'.");
        }
        return services;
    }

    /// <summary>Start-up work that must finish before the first request: schema migrations; with
    /// <c>Tavolo__Aws__CreateResources</c>, the DynamoDB tables and SQS queues that are missing.</summary>
    public static async Task PrepareStorageAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TavoloOptions>>().Value;
        if (options.Aws.CreateResources)
        {
            if (services.GetService<DynamoTables>() is { } tables)
            {
                await tables.CreateIfMissingAsync(services.GetRequiredService<IAmazonDynamoDB>(), cancellationToken);
                // Against a local emulator the first start of this version moves the data itself; on AWS a deploy does.
                await services.GetRequiredService<DynamoRestaurantBackfill>().RunAsync(cancellationToken: cancellationToken);
            }
            if (services.GetService<SqsNotificationQueue>() is { } queue)
                await queue.CreateIfMissingAsync(cancellationToken);
        }
        if (services.GetService<SqliteDatabase>() is { } sqlite)
            await sqlite.MigrateAsync(cancellationToken);
        // Promo codes are read by their own module and by orders (redemptions); other functions never open the database.
        if ((options.Serves("promo-codes") || options.Serves("orders")) && services.GetService<PostgresDatabase>() is { } postgres)
            await postgres.MigrateAsync(cancellationToken);
    }
}
