using Tavolo.Platform;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Waitlists;

public static class WaitlistsModule
{
    /// <summary>Waitlists, guests and notifications; the producer and consumer loops run here unless hosted elsewhere.</summary>
    public static IServiceCollection AddWaitlists(this IServiceCollection services, TavoloOptions options)
    {
        services.AddSingleton<WaitlistChanges>();
        services.AddSingleton<StreamSlots>();
        services.AddSingleton<GuestLines>();
        services.AddSingleton<EmailChannel>();
        services.AddHttpClient<WebhookChannel>();
        services.AddSingleton<NotificationProducer>();
        services.AddSingleton<NotificationConsumer>();
        // On Lambda the schedule and the SQS event source drive them through /events; a frozen function runs no loops.
        if (options.Notifications.RunInProcess && (options.Serves("waitlists") || options.Serves("notifications")) && !options.Hosting.Equals("lambda", StringComparison.OrdinalIgnoreCase))
        {
            services.AddHostedService<NotificationProducerService>();
            services.AddHostedService<NotificationConsumerService>();
        }
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(WaitlistsJson.Default));
        return services;
    }
}
