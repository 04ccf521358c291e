using Microsoft.AspNetCore.Authentication;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.Auth;

/// <summary>The auth module: tokens, sessions, passwords, the "Bearer" scheme and its policies, the TOKEN authorizer event.</summary>
public static class AuthModule
{
    /// <summary>Always on, since every module authenticates (routes only where <c>auth</c> is served).</summary>
    public static IServiceCollection AddAuth(this IServiceCollection services)
    {
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<Tokens>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<ILambdaEventHandler, TokenAuthorizerEvent>();
        services.AddAuthentication(BearerAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Staff, policy => policy.RequireRole(Roles.Owner, Roles.Admin));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(AuthJson.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app) => AuthEndpoints.Map(app);
}
