using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Tavolo.Platform;

public sealed record HealthResponse(string Status, string Version, string Storage, string Queue);

/// <summary>
/// <c>GET /health</c> (readiness): 200 when every backend answers (each adapter registers a health check), else 503 — for
/// routing traffic. <c>GET /health/live</c> (liveness): 200 while the process serves requests — for restarting it.
/// </summary>
public static class Health
{
    private static readonly string Version =
        typeof(Health).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", Check).WithTags("Operations").WithSummary("Readiness: every backend this process uses answers.").AllowAnonymous();
        app.MapGet("/health/live", Live).WithTags("Operations").WithSummary("Liveness: the process serves requests (no backend calls).").AllowAnonymous();
        return app;
    }

    /// <summary>For restarts (a container's health check): never calls a backend, so an outage elsewhere does not restart this process.</summary>
    private static Ok<HealthResponse> Live(IOptions<TavoloOptions> options) =>
        TypedResults.Ok(new HealthResponse("ok", Version, options.Value.Storage, options.Value.Queue));

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> Check(
        HealthCheckService checks, IOptions<TavoloOptions> options, CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(cancellationToken);
        var o = options.Value;
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(new HealthResponse("ok", Version, o.Storage, o.Queue))
            : TypedResults.Json(new HealthResponse("unavailable", Version, o.Storage, o.Queue), HealthJson.Default.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class HealthJson : JsonSerializerContext;
