using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.Auth;

/// <summary>The auth module: tokens, sessions, passwords, bearer tokens and the policies, the TOKEN authorizer event.</summary>
public static class AuthModule
{
    /// <summary>Tokens, sessions, passwords and bearer tokens; always on, since every module authenticates.
    /// After <c>AddStorage</c>: on a single process the sessions port is wrapped so revocations write through <see cref="LiveSessions"/>.</summary>
    public static IServiceCollection AddAuth(this IServiceCollection services)
    {
        var store = services.LastOrDefault(d => d.ServiceType == typeof(ISessionStore))
            ?? throw new InvalidOperationException("AddAuth needs the sessions port: call AddStorage first.");
        services.Remove(store);
        services.AddSingleton<ISessionStore>(sp =>
        {
            var inner = (ISessionStore)(store.ImplementationInstance ?? store.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, store.ImplementationType!));
            return SingleProcess(sp) ? new RevocationWriteThrough(inner, sp.GetRequiredService<LiveSessions>()) : inner;
        });
        services.AddSingleton(sp => new ValidatedTokens(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => new LiveSessions());

        services.AddSingleton<SigningKeys>();
        services.AddSingleton<Tokens>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton(sp => new Authenticator(sp.GetRequiredService<Tokens>(), sp.GetRequiredService<ValidatedTokens>(),
            sp.GetRequiredService<ISessionStore>(), sp.GetRequiredService<TimeProvider>(),
            SingleProcess(sp) ? sp.GetRequiredService<LiveSessions>() : null));
        services.AddSingleton<SessionService>();
        services.AddSingleton<StreamAccess>();
        services.AddSingleton<ILambdaEventHandler, TokenAuthorizerEvent>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, BearerChallenge>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Staff, policy => policy.RequireRole(Roles.Owner, Roles.Admin));
        // The authorization middleware resolves its policy evaluator from the request's services on every request, and
        // ASP.NET Core registers it (and the authorization service and handler provider behind it) as transient: under
        // Native AOT the container builds that object graph by its runtime resolver, 4 % of a GET /users/me's CPU.
        // All three are stateless over singletons (no handler of ours is scoped), so one instance serves every request.
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationHandlerProvider, DefaultAuthorizationHandlerProvider>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationService, DefaultAuthorizationService>());
        services.Replace(ServiceDescriptor.Singleton<IPolicyEvaluator, RolePolicyEvaluator>()); // with a shortcut for a policy met
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(AuthJson.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app) => AuthEndpoints.Map(app);

    /// <summary>
    /// Once the app listens, builds the signing keys' OpenSSL objects and the token rules on a pool thread, so that
    /// neither the cold start (exec → first <c>/health</c>) nor, usually, the first authenticated request waits for
    /// OpenSSL. A key OpenSSL refuses (a point off the curve) stops the app with <see cref="ExitCodes.KeyRing"/>, as a malformed
    /// ring does at start.
    /// </summary>
    public static void WarmAuthWhenListening(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(() =>
        {
            try
            {
                app.Services.GetRequiredService<SigningKeys>().Warm();
                _ = app.Services.GetRequiredService<Authenticator>();
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                var options = app.Services.GetRequiredService<IOptions<TavoloOptions>>().Value;
                Environment.ExitCode = StartupFailures.Report(StartupFailures.KeyRing(new CryptographicException("OpenSSL refuses a key: " + e.Message, e), options),
                    Console.Error, StartupFailures.Debug(app.Configuration));
                app.Lifetime.StopApplication();
            }
        }));

    /// <summary>Every revocation passes through this process (not Lambda, where many processes serve one table).</summary>
    private static bool SingleProcess(IServiceProvider services) =>
        !services.GetRequiredService<IOptions<TavoloOptions>>().Value.Hosting.Equals("lambda", StringComparison.OrdinalIgnoreCase);
}
