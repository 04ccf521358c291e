using Tavolo.Platform;

namespace Tavolo.PromoCodes;

/// <summary>The promo-codes module: services and routes. Codes are issued by owners (for their restaurant) and admins.</summary>
public static class PromoCodesModule
{
    public static IServiceCollection AddPromoCodes(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(PromoCodesJson.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapPromoCodes(this IEndpointRouteBuilder app)
    {
        var codes = app.MapGroup("/promo-codes").WithTags("Promo codes").RequireAuthorization().WithValidation();
        PromoCodeEndpoints.Map(codes);
        return app;
    }
}
