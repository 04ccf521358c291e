using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tavolo.Platform;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Waitlists;

/// <summary>The waitlists module: staff and guest routes, notifications (options, channels, producer, consumer, their Lambda events).</summary>
public static class WaitlistsModule
{
    /// <summary>The producer and consumer loops run in this process unless hosted on Lambda or turned off.</summary>
    public static IServiceCollection AddWaitlists(this IServiceCollection services, IConfiguration configuration, TavoloOptions options)
    {
        services.Configure<NotificationOptions>(configuration.GetSection(NotificationOptions.Section));
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        var notifications = configuration.GetSection(NotificationOptions.Section).Get<NotificationOptions>() ?? new NotificationOptions();
        services.AddSingleton<WaitlistChanges>();
        services.AddSingleton<StreamSlots>();
        services.AddSingleton<GuestLines>();
        services.AddSingleton<JoinLimits>();
        services.TryAddSingleton<EmailChannel>();
        services.AddSingleton<WebhookResolver>();
        // A named client and a plain factory rather than AddHttpClient<WebhookChannel>(): a typed client is built through
        // ActivatorUtilities.CreateFactory, which compiles an expression tree in the JIT build (docs/performance.md).
        // No HttpClient logging: its lines carry the full webhook URL, whose path is often the secret (Slack-style hooks).
        services.AddHttpClient(nameof(WebhookChannel)).ConfigurePrimaryHttpMessageHandler(WebhookChannel.CreateHandler).RemoveAllLoggers();
        services.AddTransient(sp => new WebhookChannel(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WebhookChannel)), sp.GetRequiredService<IOptions<NotificationOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebhookChannel>>()));
        services.AddSingleton<NotificationProducer>();
        services.AddSingleton<NotificationConsumer>();
        services.AddSingleton<ILambdaEventHandler, SqsBatchEvent>();
        services.AddSingleton<ILambdaEventHandler, ScheduledProducerEvent>();
        // On Lambda the schedule and the SQS event source drive them through /events; a frozen function runs no loops.
        if (notifications.RunInProcess && (options.Serves("waitlists") || options.Serves("notifications")) && !options.Hosting.Equals("lambda", StringComparison.OrdinalIgnoreCase))
        {
            services.AddHostedService<NotificationProducerService>();
            services.AddHostedService<NotificationConsumerService>();
        }
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(WaitlistsJson.Default));
        return services;
    }

    /// <summary>The staff side under <c>/waitlists</c>, and the guest side (self check-in, the guest's own view).</summary>
    public static IEndpointRouteBuilder MapWaitlists(this IEndpointRouteBuilder app)
    {
        WaitlistEndpoints.Map(app);
        GuestEndpoints.Map(app);
        return app;
    }
}
