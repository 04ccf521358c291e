using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tavolo.Auth;
using Tavolo.Platform;
using Tavolo.Restaurants;

namespace Tavolo.Users;

public static class UserEndpoints
{
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/users").WithTags("Users").RequireAuthorization().WithValidation();
        users.MapGet("/me", Me).WithSummary("The caller.");
        users.MapGet("/", List).RequireAuthorization(Roles.Admin).WithSummary("All users, a page at a time (admin).");
        users.MapPost("/", Create).RequireAuthorization(Roles.Admin).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Create a user with any role (admin).");
        users.MapGet("/{id}", Get).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A user: yourself, or anyone for an admin.");
        users.MapPut("/{id}", Update).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Change name, email, password; role only for an admin.");
        users.MapDelete("/{id}", Delete).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Delete a user and revoke all of its sessions.");
        return app;
    }

    private static async Task<Results<Ok<UserView>, ProblemHttpResult>> Me(
        ClaimsPrincipal caller, IUserStore users, CancellationToken cancellationToken) =>
        await users.FindAsync(caller.Id(), cancellationToken) is { } user ? TypedResults.Ok(UserView.From(user)) : Problems.NotFound();

    private static async Task<Results<Ok<Page<UserView>>, ValidationProblem>> List(
        [AsParameters] UserListQuery query, IUserStore users, Cursors cursors, CancellationToken cancellationToken)
    {
        var scope = "users|" + query.Role;
        if (!cursors.TryAfter(scope, query.Cursor, out var after))
            return Paging.InvalidCursor();
        var limit = PageLimit.Parse(query.Limit);
        var rows = await users.ListAsync(query.Role, after, limit + 1, cancellationToken);
        return TypedResults.Ok(cursors.ToPage(scope, rows, limit, UserView.From, u => u.Id));
    }

    private static Task<Results<Created<UserView>, ProblemHttpResult>> Create(
        CreateUserRequest request, IUserStore users, IRestaurantStore restaurants, Passwords passwords, TimeProvider clock, CancellationToken cancellationToken) =>
        CreateUserAsync(request.Email!, request.Name!, request.Role!, request.Password!, users, restaurants, passwords, clock, cancellationToken);

    /// <summary>
    /// Creates an account (registration and the admin route): 201 with its location, or 409 for a taken email. An
    /// <c>owner</c> account opens its first restaurant with it (whose id is the account's); should that fail, the
    /// account is taken back, so that no owner is left without the restaurant it registered.
    /// </summary>
    public static async Task<Results<Created<UserView>, ProblemHttpResult>> CreateUserAsync(
        string email, string name, string role, string password, IUserStore users, IRestaurantStore restaurants, Passwords passwords,
        TimeProvider clock, CancellationToken cancellationToken, string? restaurantName = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var user = new User(Ids.New(), email.Trim(), name.Trim(), role, passwords.Hash(password), now, now);
        if (await users.CreateAsync(user, cancellationToken) == UserWrite.EmailTaken)
            return Problems.Conflict("An account with this email already exists.");
        if (role == Roles.Owner)
        {
            try
            {
                await RestaurantEndpoints.CreateFirstAsync(user, restaurantName, restaurants, CancellationToken.None);
            }
            catch
            {
                await users.DeleteAsync(user.Id, CancellationToken.None);
                throw;
            }
        }
        return TypedResults.Created($"/users/{user.Id}", UserView.From(user));
    }

    private static async Task<Results<Ok<UserView>, ProblemHttpResult>> Get(
        string id, ClaimsPrincipal caller, IUserStore users, CancellationToken cancellationToken) =>
        await FindVisibleAsync(id, caller, users, cancellationToken) is { } user ? TypedResults.Ok(UserView.From(user)) : Problems.NotFound();

    private static async Task<Results<Ok<UserView>, ProblemHttpResult, ValidationProblem>> Update(
        string id, UpdateUserRequest request, ClaimsPrincipal caller, IUserStore users, ISessionStore sessions,
        Passwords passwords, LoginThrottle throttle, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(id, caller, users, cancellationToken) is not { } user)
            return Problems.NotFound();
        if (request.Role is not null && !caller.IsAdmin())
            return Problems.Forbidden("Only an admin may change a role.");
        // The registration rules, against the email the account will have (the body may not name one).
        if (request.Password is not null && Passwords.Weakness(request.Password, request.Email ?? user.Email) is { } weakness)
            return Problems.Validation("password", weakness);
        if (caller.Id() == user.Id && request.ChangesCredentials)
        {
            if (request.CurrentPassword is null)
                return Problems.Validation("currentPassword", "Required to change your own email or password.");
            if (Reauthenticate(user, request.CurrentPassword, passwords, throttle, context) is { } refusal)
                return refusal;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var updated = user with
        {
            Name = request.Name?.Trim() ?? user.Name,
            Email = request.Email?.Trim() ?? user.Email,
            Role = request.Role ?? user.Role,
            PasswordHash = request.Password is null ? user.PasswordHash : passwords.Hash(request.Password),
            UpdatedAt = now > user.UpdatedAt ? now : user.UpdatedAt.AddTicks(1),
        };
        switch (await users.UpdateAsync(updated, user.UpdatedAt, cancellationToken))
        {
            case UserWrite.NotFound: return Problems.NotFound();
            case UserWrite.EmailTaken: return Problems.Conflict("An account with this email already exists.");
            case UserWrite.Conflict: return Problems.Conflict("The user was changed by another request; read it again and retry.");
        }

        // A new role must not ride on old tokens; a new password ends every other sign-in.
        if (updated.Role != user.Role)
            await sessions.RevokeAllAsync(user.Id, exceptSessionId: null, now, cancellationToken);
        else if (request.Password is not null)
            await sessions.RevokeAllAsync(user.Id, caller.Id() == user.Id ? caller.SessionId() : null, now, cancellationToken);
        return TypedResults.Ok(UserView.From(updated));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, ClaimsPrincipal caller, IUserStore users, ISessionStore sessions, RestaurantRemoval restaurants, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(id, caller, users, cancellationToken) is not { } user)
            return Problems.NotFound();
        // Sessions first: a crash in between leaves a signed-out user, never a deleted user still signed in. Then its
        // places at restaurants (a restaurant it alone owned goes with it), then the account.
        await sessions.RevokeAllAsync(user.Id, exceptSessionId: null, clock.GetUtcNow().UtcDateTime, cancellationToken);
        await restaurants.LeaveAllAsync(user.Id, cancellationToken);
        return await users.DeleteAsync(user.Id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound();
    }

    /// <summary>
    /// A user changing its own email or password proves it knows the current password: wrong → 403 (counted as a
    /// failed login, and throttled like one). Null when it may go on.
    /// </summary>
    private static ProblemHttpResult? Reauthenticate(
        User user, string currentPassword, Passwords passwords, LoginThrottle throttle, HttpContext context)
    {
        var address = ClientAddress.Of(context);
        if (throttle.TryBegin(user.Email, address) is { } wait)
            return LoginThrottle.TooMany(context, wait);
        if (!passwords.Verify(currentPassword, user.PasswordHash).Valid)
            return Problems.Forbidden("The current password is wrong.");
        throttle.Succeeded(user.Email, address);
        return null;
    }

    /// <summary>The user, if the caller may see it (itself, or anyone for an admin); otherwise null, answered as 404.</summary>
    private static async Task<User?> FindVisibleAsync(string id, ClaimsPrincipal caller, IUserStore users, CancellationToken cancellationToken) =>
        caller.Id() == id || caller.IsAdmin() ? await users.FindAsync(id, cancellationToken) : null;
}
