using Tavolo.Platform;

namespace Tavolo.Orders;

/// <summary>The orders module: services, routes. Orders are placed by a customer with a restaurant and priced from its menu.</summary>
public static class OrdersModule
{
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        services.AddSingleton(sp => new EmfMetrics(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<OrderRedemptions>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(OrdersJson.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/orders").WithTags("Orders").RequireAuthorization().WithValidation()
            .ProducesProblem(StatusCodes.Status404NotFound);
        OrderEndpoints.Map(orders);
        return app;
    }
}
