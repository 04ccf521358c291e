using Tavolo.Platform;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Waitlists;

public static class WaitlistsModule
{
    /// <summary>Waitlists, guests and notifications; the producer and consumer loops run here unless hosted elsewhere.</summary>
    public static IServiceCollection AddWaitlists(this IServiceCollection services, TavoloOptions options)
    {
        services.AddSingleton<EmailChannel>();
        services.AddHttpClient<WebhookChannel>();
        services.AddSingleton<NotificationProducer>();
        services.AddSingleton<NotificationConsumer>();
        if (options.Notifications.RunInProcess && options.Serves("waitlists"))
        {
            services.AddHostedService<NotificationProducerService>();
            services.AddHostedService<NotificationConsumerService>();
        }
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(WaitlistsJson.Default));
        return services;
    }
}
