using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Tavolo.Platform;

/// <summary>Named rate-limit policies for public routes that cost the server work (registration, guest check-in).</summary>
public static class RateLimits
{
    /// <summary>A fixed window of <c>Tavolo__RateLimits__PerAddressPerMinute</c> requests per client address and route template.</summary>
    public const string PerAddress = "per-address";

    public static IServiceCollection AddTavoloRateLimits(this IServiceCollection services, TavoloOptions options)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerAddress, context => RateLimitPartition.GetFixedWindowLimiter(
                // The route template, never the raw path: /AUTH/register/ and /auth/register share one budget.
                ClientAddress.Of(context) + " " + RouteTemplate(context),
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.RateLimits.PerAddressPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new()
                {
                    HttpContext = http,
                    ProblemDetails = { Status = 429, Title = "Too many requests.", Detail = "Slow down and try again later." },
                });
            };
        });
        return services;
    }

    /// <summary>The matched endpoint's route template (e.g. <c>/waitlists/{id}/join</c>); null before routing.</summary>
    public static string? RouteTemplate(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
}
