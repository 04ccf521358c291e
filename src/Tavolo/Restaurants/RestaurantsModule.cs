using Microsoft.Extensions.DependencyInjection.Extensions;
using Tavolo.Platform;

namespace Tavolo.Restaurants;

/// <summary>The restaurants module: restaurants, their staff and invitations, the public directory and menus.</summary>
public static class RestaurantsModule
{
    public static IServiceCollection AddRestaurants(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(RestaurantsJson.Default));
        services.AddSingleton<RestaurantAccess>();
        services.AddSingleton<RestaurantRemoval>();
        services.TryAddSingleton<Waitlists.Notifications.EmailChannel>();
        return services;
    }

    public static IEndpointRouteBuilder MapRestaurants(this IEndpointRouteBuilder app)
    {
        var restaurants = app.MapGroup("/restaurants").WithTags("Restaurants").WithValidation().ProducesProblem(StatusCodes.Status404NotFound);
        RestaurantEndpoints.Map(restaurants, app);
        MenuEndpoints.Map(restaurants);
        StaffEndpoints.Map(restaurants, app);
        return app;
    }
}
