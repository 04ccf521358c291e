using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tavolo.Auth;
using Tavolo.Users;

namespace Tavolo.Tests.Auth;

/// <summary>
/// <see cref="RolePolicyEvaluator"/>'s shortcut against ASP.NET Core's own evaluator, caller by caller and policy by
/// policy: the same answer everywhere (so the shortcut never lets in whom the stock evaluation keeps out), and no
/// shortcut at all once another handler could have a say.
/// </summary>
public sealed class RolePolicyEvaluatorTests
{
    private static readonly Dictionary<string, AuthorizationPolicy> Policies = new()
    {
        ["signed in"] = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build(),
        ["staff"] = new AuthorizationPolicyBuilder().RequireRole(Roles.Owner, Roles.Admin).Build(),
        ["signed-in admin"] = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(Roles.Admin).Build(),
        ["a claim"] = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim("scope", "orders").Build(),
        ["an assertion"] = new AuthorizationPolicyBuilder().RequireAssertion(_ => true).Build(),
    };

    private static readonly Dictionary<string, ClaimsPrincipal> Callers = new()
    {
        ["anonymous"] = new ClaimsPrincipal(new ClaimsIdentity()),
        ["customer"] = Caller(Roles.Customer),
        ["owner"] = Caller(Roles.Owner),
        ["admin"] = Caller(Roles.Admin),
        ["admin claim, not signed in"] = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, Roles.Admin)])),
        ["admin with the scope"] = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Role, Roles.Admin), new Claim("scope", "orders")], "Bearer")),
    };

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var policy in Policies.Keys)
        {
            foreach (var caller in Callers.Keys)
                cases.Add(policy, caller);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Answers_as_the_stock_evaluator_does(string policy, string caller)
    {
        using var services = Services();
        var stock = new PolicyEvaluator(services.GetRequiredService<IAuthorizationService>());
        var (expected, actual) = (await AuthorizeAsync(stock, policy, caller), await AuthorizeAsync(Evaluator(services), policy, caller));
        Assert.Equal((expected.Succeeded, expected.Challenged, expected.Forbidden), (actual.Succeeded, actual.Challenged, actual.Forbidden));
    }

    [Fact]
    public async Task Meets_the_signed_in_and_role_policies_itself_and_defers_the_rest()
    {
        Assert.True(RolePolicyEvaluator.AllMet(Policies["staff"], Callers["owner"]));
        Assert.True(RolePolicyEvaluator.AllMet(Policies["signed-in admin"], Callers["admin"]));
        Assert.False(RolePolicyEvaluator.AllMet(Policies["staff"], Callers["customer"])); // not met: the stock path answers
        Assert.False(RolePolicyEvaluator.AllMet(Policies["a claim"], Callers["admin with the scope"])); // a kind it does not know

        // A handler of the app's own could refuse what the roles allow: then nothing is short-cut.
        using var services = Services(s => s.AddSingleton<IAuthorizationHandler, RefuseEveryone>());
        Assert.True((await AuthorizeAsync(Evaluator(services), "staff", "admin")).Forbidden);
    }

    private static ServiceProvider Services(Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection().AddLogging(l => l.ClearProviders()).AddAuthorization().AddOptions();
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static RolePolicyEvaluator Evaluator(ServiceProvider services) =>
        new(services.GetRequiredService<IAuthorizationService>(), services.GetServices<IAuthorizationHandler>());

    private static async Task<PolicyAuthorizationResult> AuthorizeAsync(PolicyEvaluator evaluator, string policy, string caller)
    {
        var context = new DefaultHttpContext { User = Callers[caller] };
        var authentication = await evaluator.AuthenticateAsync(Policies[policy], context);
        return await evaluator.AuthorizeAsync(Policies[policy], authentication, context, resource: null);
    }

    private static ClaimsPrincipal Caller(string role) =>
        new(new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString("N")), new Claim(ClaimTypes.Role, role)], "Bearer"));

    private sealed class RefuseEveryone : IAuthorizationHandler
    {
        public Task HandleAsync(AuthorizationHandlerContext context)
        {
            context.Fail();
            return Task.CompletedTask;
        }
    }
}
