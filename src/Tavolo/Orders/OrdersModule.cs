using Microsoft.Extensions.DependencyInjection.Extensions;
using Tavolo.Platform;

namespace Tavolo.Orders;

/// <summary>The orders module: services, routes. Orders are placed by a customer with a restaurant and priced from its menu.</summary>
public static class OrdersModule
{
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        services.AddSingleton<OrderRedemptions>();
        services.AddSingleton<OrderPlacement>();
        services.AddSingleton<OrderChanges>();
        services.AddSingleton<OrderViews>();
        services.TryAddSingleton<StreamSlots>(); // shared with the waitlist streams: one cap per user over all streams
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(OrdersJson.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/orders").WithTags("Orders").RequireAuthorization().WithValidation()
            .ProducesProblem(StatusCodes.Status404NotFound);
        OrderStreams.Map(orders);
        OrderEndpoints.Map(orders);
        return app;
    }
}
