using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Tavolo.Platform;

public sealed record HealthResponse(string Status, string Version, string Storage, string Queue);

/// <summary><c>GET /health</c>: 200 when every backend answers (each adapter registers a health check), else 503.</summary>
public static class Health
{
    private static readonly string Version =
        typeof(Health).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", Check).WithTags("Operations").WithSummary("Liveness and backend reachability.").AllowAnonymous();
        return app;
    }

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
