using System.Net;
using System.Net.Http.Json;

namespace Tavolo.Tests.Startup;

/// <summary>
/// What a local process loads on its way to serving: the JIT build must not compile expression trees at start-up
/// (<c>ActivatorUtilities.CreateFactory</c> behind <c>AddEndpointFilter&lt;T&gt;</c> or a typed <c>AddHttpClient&lt;T&gt;</c>),
/// which cost 47 ms of cold start and 4–5 MB of resident memory (docs/performance.md, 2026-12-04).
/// </summary>
public sealed class StartupCostTests
{
    [Fact]
    public async Task A_local_process_validates_requests_and_runs_its_notification_loops_without_compiling_expression_trees()
    {
        await using var tavolo = TavoloProcess.StartBuilt(new Dictionary<string, string>());
        await tavolo.WaitForHealthAsync(TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri(tavolo.BaseUrl) };
        // Through the validation filter both ways, and the consumer (with its webhook channel) is running by now.
        var created = await client.PostAsJsonAsync("/auth/register", new { email = TavoloApp.NewEmail(), password = "a-long-enough-pass-7", name = "Cost" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var refused = await client.PostAsJsonAsync("/auth/register", new { email = "not-an-email", password = "short", name = "" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var mapped = tavolo.MappedFiles;
        Assert.Contains("Microsoft.AspNetCore.Server.Kestrel.Core.dll", mapped, StringComparison.Ordinal); // the check reads real maps
        Assert.DoesNotContain("System.Linq.Expressions.dll", mapped, StringComparison.Ordinal);
    }
}
