using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Tavolo.Auth;

/// <summary>
/// The caller of every request: <see cref="UseBearerTokens"/> sets <c>HttpContext.User</c> from a valid bearer token
/// before authorization runs; a missing, malformed, expired or revoked token leaves the caller anonymous, so a route
/// that requires a user answers <c>401</c> with <c>WWW-Authenticate: Bearer</c>, and one that requires a role the caller
/// lacks <c>403</c> (<see cref="BearerChallenge"/>; the status-code pages write the problem body). This takes the place
/// of ASP.NET Core's authentication middleware and scheme, which did the same through a handler resolved from the
/// container on every request: a tenth of a cached <c>GET /users/me</c>'s CPU under Native AOT (docs/performance.md).
/// </summary>
public static class BearerTokens
{
    public static IApplicationBuilder UseBearerTokens(this IApplicationBuilder app)
    {
        Authenticator? authenticator = null; // resolved by the first request that brings a token: not on the cold-start path
        return app.Use(async (context, next) =>
        {
            if (TokenOf(context.Request.Headers.Authorization.ToString()) is { } token
                && await (authenticator ??= context.RequestServices.GetRequiredService<Authenticator>())
                    .AuthenticateAsync(token, context.RequestAborted) is { } identity)
            {
                context.User = new ClaimsPrincipal(identity);
                Tavolo.Platform.RequestLogging.SetUserId(context, identity.FindFirst("sub")?.Value);
            }
            await next(context);
        });
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header; null for any other header.</summary>
    public static string? TokenOf(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
}

/// <summary>What authorization answers when it says no: <c>401</c> + <c>WWW-Authenticate: Bearer</c> to an anonymous caller, <c>403</c> to a signed-in one.</summary>
public sealed class BearerChallenge : IAuthorizationMiddlewareResultHandler
{
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Task.CompletedTask;
        }
        if (authorizeResult.Forbidden)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
        return next(context);
    }
}
