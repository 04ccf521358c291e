using Tavolo.Platform;

namespace Tavolo.Restaurants;

/// <summary>The restaurants module: the public directory and menus, and each restaurant's menu writes.</summary>
public static class RestaurantsModule
{
    public static IServiceCollection AddRestaurants(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(RestaurantsJson.Default));
        services.AddSingleton<RestaurantAccess>();
        return services;
    }

    public static IEndpointRouteBuilder MapRestaurants(this IEndpointRouteBuilder app)
    {
        var restaurants = app.MapGroup("/restaurants").WithTags("Restaurants").WithValidation().ProducesProblem(StatusCodes.Status404NotFound);
        RestaurantEndpoints.Map(restaurants);
        return app;
    }
}
