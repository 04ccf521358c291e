using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Tavolo.Platform;

/// <summary>Named rate-limit policies for public routes that cost the server work (registration, guest check-in).</summary>
public static class RateLimits
{
    /// <summary>A fixed window of <c>Tavolo__RateLimits__PerAddressPerMinute</c> requests per client address and route.</summary>
    public const string PerAddress = "per-address";

    public static IServiceCollection AddTavoloRateLimits(this IServiceCollection services, TavoloOptions options)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerAddress, context => RateLimitPartition.GetFixedWindowLimiter(
                (context.Connection.RemoteIpAddress?.ToString() ?? "unknown") + " " + context.Request.Path,
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
}
