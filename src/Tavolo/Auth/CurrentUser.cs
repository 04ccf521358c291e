using System.Security.Claims;
using Tavolo.Users;

namespace Tavolo.Auth;

/// <summary>Who is calling, read from the validated token.</summary>
public static class CurrentUser
{
    public static string Id(this ClaimsPrincipal user) =>
        user.FindFirstValue("sub") ?? throw new InvalidOperationException("The route is not authenticated.");

    public static string SessionId(this ClaimsPrincipal user) =>
        user.FindFirstValue("sid") ?? throw new InvalidOperationException("The route is not authenticated.");

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin);
}
