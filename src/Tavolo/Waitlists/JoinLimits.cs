using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Waitlists;

/// <summary>
/// At most <c>Tavolo__RateLimits__JoinsPerWaitlistPerHour</c> (60) guest self check-ins per waitlist in a sliding hour,
/// whatever the addresses: the per-address limit alone lets a crowd of addresses (or one IPv6 /64) add parties — and
/// make Tavolo message their contacts — at will. ASP.NET Core's own sliding-window limiter, one partition per waitlist
/// (idle ones are dropped by the limiter). Counted in this process: on Lambda per instance (docs/security.md).
/// Only existing waitlists are counted, so made-up ids cannot grow it.
/// </summary>
public sealed class JoinLimits(IOptions<TavoloOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(waitlistId =>
        RateLimitPartition.GetSlidingWindowLimiter(waitlistId, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.Value.RateLimits.JoinsPerWaitlistPerHour),
            Window = TimeSpan.FromHours(1),
            SegmentsPerWindow = 12,
            QueueLimit = 0,
        }));

    /// <summary>Null when one more guest may join this waitlist now; otherwise the 429 to answer.</summary>
    public ProblemHttpResult? TryJoin(string waitlistId, HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire(waitlistId);
        if (lease.IsAcquired)
            return null;
        context.Response.Headers.RetryAfter = (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Ceiling(retryAfter.TotalSeconds) : 300).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many check-ins",
            detail: "This waitlist takes no more self check-ins for now; please ask the host.");
    }

    public void Dispose() => _limiter.Dispose();
}
