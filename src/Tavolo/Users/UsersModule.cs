namespace Tavolo.Users;

/// <summary>The users module: accounts (self, and any for an admin) and the first admin at start-up.</summary>
public static class UsersModule
{
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddSingleton<AdminBootstrap>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(UsersJson.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app) => UserEndpoints.Map(app);
}
