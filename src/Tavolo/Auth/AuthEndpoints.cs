using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tavolo.Platform;
using Tavolo.Restaurants;
using Tavolo.Users;

namespace Tavolo.Auth;

public static class AuthEndpoints
{
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Auth").WithValidation();
        auth.MapPost("/register", Register).RequireRateLimiting(RateLimits.PerAddress)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Create an account (customer, or owner with its first restaurant).");
        auth.MapPost("/login", Login)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Exchange email and password for tokens.");
        auth.MapPost("/refresh", Refresh).ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Spend a refresh token for a new pair (rotation).");
        auth.MapPost("/logout", Logout).WithSummary("Revoke the session of a refresh token.");
        auth.MapGet("/sessions", ListSessions).RequireAuthorization().WithSummary("The caller's live sessions.");
        auth.MapDelete("/sessions/{id}", DeleteSession).RequireAuthorization().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Revoke one of the caller's sessions.");

        var wellKnown = app.MapGroup("/.well-known").WithTags("Auth");
        wellKnown.MapGet("/jwks.json", (SigningKeys keys) => TypedResults.Ok(keys.Jwks))
            .WithSummary("Public keys that verify Tavolo's access tokens.");
        wellKnown.MapGet("/openid-configuration", (Tokens tokens) => TypedResults.Ok(new OpenIdConfiguration(
                tokens.Issuer, tokens.Issuer.TrimEnd('/') + "/.well-known/jwks.json", ["token"], ["public"],
                [SigningKeys.Algorithm], ["iss", "aud", "sub", "sid", "role", "email", "iat", "exp", "jti"])))
            .WithSummary("Discovery document for JWT authorizers (issuer, jwks_uri, algorithms).");
        return app;
    }

    private static Task<Results<Created<UserView>, ProblemHttpResult>> Register(
        RegisterRequest request, IUserStore users, IRestaurantStore restaurants, Passwords passwords, TimeProvider clock, CancellationToken cancellationToken) =>
        UserEndpoints.CreateUserAsync(request.Email!, request.Name!, request.AccountType ?? Roles.Customer, request.Password!,
            users, restaurants, passwords, clock, cancellationToken, request.RestaurantName);

    private static async Task<Results<Ok<TokensResponse>, ProblemHttpResult>> Login(
        LoginRequest request, SessionService sessions, LoginThrottle throttle, HttpContext context, CancellationToken cancellationToken)
    {
        var address = ClientAddress.Of(context);
        if (throttle.TryBegin(request.Email!, address) is { } wait)
            return LoginThrottle.TooMany(context, wait);
        var tokens = await sessions.LoginAsync(request.Email!, request.Password!, context.Request.Headers.UserAgent, cancellationToken);
        if (tokens is null)
            return Problems.Unauthorized("The email or password is wrong.");
        throttle.Succeeded(request.Email!, address);
        return TypedResults.Ok(tokens);
    }

    private static async Task<Results<Ok<TokensResponse>, ProblemHttpResult>> Refresh(
        RefreshRequest request, SessionService sessions, CancellationToken cancellationToken) =>
        await sessions.RefreshAsync(request.RefreshToken!, cancellationToken) is { } tokens
            ? TypedResults.Ok(tokens)
            : Problems.Unauthorized("The refresh token is invalid, expired or already used.");

    private static async Task<NoContent> Logout(RefreshRequest request, SessionService sessions, CancellationToken cancellationToken)
    {
        await sessions.LogoutAsync(request.RefreshToken!, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<SessionList>> ListSessions(
        ClaimsPrincipal user, ISessionStore sessions, TimeProvider clock, CancellationToken cancellationToken)
    {
        var current = user.SessionId();
        var live = await sessions.ListLiveAsync(user.Id(), clock.GetUtcNow().UtcDateTime, cancellationToken);
        return TypedResults.Ok(new SessionList(
            live.Select(s => new SessionView(s.Id, s.CreatedAt, s.LastUsedAt, s.ExpiresAt, s.UserAgent, s.Id == current)).ToList()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSession(
        string id, ClaimsPrincipal user, ISessionStore sessions, TimeProvider clock, CancellationToken cancellationToken) =>
        await sessions.RevokeAsync(id, user.Id(), clock.GetUtcNow().UtcDateTime, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("No such session.");
}
