using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Tavolo.Platform;

/// <summary>The <c>Tavolo:Streams</c> settings: how many live streams one process holds open.</summary>
public sealed class StreamOptions
{
    /// <summary>Open streams per user (or per guest link); one more gets <c>429</c>.</summary>
    public int MaxPerUser { get; set; } = 10;

    /// <summary>
    /// Open streams for one restaurant, its staff's and its guests' together; one more gets <c>429</c>. Guest links cost
    /// nothing to make, so without it one restaurant could hold every stream the process has.
    /// </summary>
    public int MaxPerRestaurant { get; set; } = 200;

    /// <summary>Open streams in this process; one more gets <c>503</c>.</summary>
    public int MaxTotal { get; set; } = 5_000;

    /// <summary>A comment line after this much silence keeps proxies and load balancers from closing the stream.</summary>
    public int KeepAliveSeconds { get; set; } = 15;
}

/// <summary>
/// Counts open streams per key (a user id, a guest link), per restaurant and in total, so that one caller, one restaurant
/// or a crowd cannot hold every connection the process has. A slot is taken before the stream starts and given back when it ends.
/// </summary>
public sealed class StreamSlots(IOptions<TavoloOptions> options)
{
    private readonly StreamOptions _options = options.Value.Streams;
    private readonly ConcurrentDictionary<string, int> _perKey = new(StringComparer.Ordinal);
    private int _total;

    public int Open => Volatile.Read(ref _total);

    /// <summary>
    /// A held slot, or the problem to answer with: 503 for the process's cap, 429 for this caller's (a user id, a guest
    /// link) or for the restaurant's whose data the stream shows (null: none, e.g. a customer's own orders). Guests
    /// (<paramref name="guest"/>) may fill the restaurant's cap only up to <c>MaxPerUser</c> short of it: the rest is the
    /// staff's, so that guest links (one join each) cannot lock the host stand out of its own live line.
    /// </summary>
    public (IDisposable? Slot, ProblemHttpResult? Refusal) TryTake(string key, string? restaurantId = null, bool guest = false)
    {
        if (Interlocked.Increment(ref _total) > _options.MaxTotal)
        {
            Interlocked.Decrement(ref _total);
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Too many live streams", detail: "This server holds as many live streams as it can; the page falls back to polling."));
        }
        if (Take(key) > _options.MaxPerUser)
        {
            Release(key, null);
            return (null, TooMany($"At most {_options.MaxPerUser} live streams are open at once for one user or link."));
        }
        var restaurantKey = restaurantId is null ? null : "restaurant:" + restaurantId;
        var restaurantCap = guest ? Math.Max(1, _options.MaxPerRestaurant - _options.MaxPerUser) : _options.MaxPerRestaurant;
        if (restaurantKey is not null && Take(restaurantKey) > restaurantCap)
        {
            Release(key, restaurantKey);
            return (null, TooMany($"At most {_options.MaxPerRestaurant} live streams are open at once for one restaurant."));
        }
        return (new Slot(this, key, restaurantKey), null);
    }

    private int Take(string key) => _perKey.AddOrUpdate(key, 1, (_, n) => n + 1);

    private static ProblemHttpResult TooMany(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many live streams", detail: detail);

    private void Release(string key, string? restaurantKey)
    {
        Give(key);
        if (restaurantKey is not null)
            Give(restaurantKey);
        Interlocked.Decrement(ref _total);
    }

    private void Give(string key)
    {
        // Decrement, and drop the key at zero, without racing another taker of the same key.
        while (_perKey.TryGetValue(key, out var n))
        {
            if (n <= 1 ? _perKey.TryRemove(new KeyValuePair<string, int>(key, n)) : _perKey.TryUpdate(key, n - 1, n))
                break;
        }
    }

    private sealed class Slot(StreamSlots slots, string key, string? restaurantKey) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                slots.Release(key, restaurantKey);
        }
    }
}

/// <summary>Writing <c>text/event-stream</c>: the headers, one event, a keep-alive comment.</summary>
public static class ServerSentEvents
{
    private static readonly byte[] KeepAliveLine = ": keep-alive\n\n"u8.ToArray();

    /// <summary>Sends the headers now, so the client knows the stream is open before the first event.</summary>
    public static async Task StartAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx and similar proxies: do not hold events back
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>One event whose data is one line of JSON (JSON never holds a raw newline).</summary>
    public static async Task WriteAsync(HttpResponse response, string eventName, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes("event: " + eventName + "\ndata: "), cancellationToken);
        await response.Body.WriteAsync(json, cancellationToken);
        await response.Body.WriteAsync("\n\n"u8.ToArray(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    public static async Task KeepAliveAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(KeepAliveLine, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// A token that ends with the request (the client went away) or with the application (shutdown), so that no
    /// stream holds the host's graceful shutdown open.
    /// </summary>
    public static CancellationTokenSource Lifetime(HttpContext context) =>
        CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted,
            context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
}
