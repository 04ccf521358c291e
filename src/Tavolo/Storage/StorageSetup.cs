using Microsoft.Extensions.DependencyInjection.Extensions;
using Tavolo.Auth;
using Tavolo.Orders;
using Tavolo.Platform;
using Tavolo.PromoCodes;
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
                services.AddSingleton<IWaitlistStore, SqliteWaitlistStore>();
                services.AddSingleton<INotificationStore, SqliteNotificationStore>();
                services.AddSingleton<IOrderStore, SqliteOrderStore>();
                services.AddSingleton<IIdempotencyStore, SqliteIdempotencyStore>();
                services.AddHealthChecks().AddCheck<SqliteHealthCheck>("storage");
                break;
            default:
                throw new InvalidOperationException($"Tavolo__Storage '{options.Storage}' is not supported here; use 'sqlite'.");
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
            default:
                throw new InvalidOperationException($"Tavolo__Queue '{options.Queue}' is not supported here; use 'sqlite'.");
        }
        return services;
    }

    /// <summary>Start-up work that must finish before the first request: schema migrations.</summary>
    public static async Task PrepareStorageAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetService<SqliteDatabase>() is { } sqlite)
            await sqlite.MigrateAsync(cancellationToken);
        if (services.GetService<PostgresDatabase>() is { } postgres)
            await postgres.MigrateAsync(cancellationToken);
    }
}
