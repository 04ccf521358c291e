using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tavolo.Auth;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.Orders;

/// <summary>
/// <c>GET /orders/stream</c> (Server-Sent Events): <c>event: order</c> with the order's JSON whenever one of the caller's
/// orders is created or changes — as its customer, and for an owner as its restaurant. The stream subscribes to the
/// change feed before it sends its headers, so a page that lists <c>GET /orders</c> once the stream is open misses
/// nothing; it sends no backlog of its own. Same rules as the waitlist streams: a slot per user and in total
/// (<see cref="StreamSlots"/>), a bounded buffer (dropped ids make it send the newest orders again from the store), a
/// keep-alive comment, and an end when the client goes, the application stops or the caller's session ends (<see cref="StreamAccess"/>).
/// </summary>
public static class OrderStreams
{
    /// <summary>How many of the newest orders (per role) a stream sends again after its buffer overflowed.</summary>
    public const int ResyncLimit = 50;

    internal static void Map(RouteGroupBuilder orders) =>
        orders.MapGet("/stream", Stream)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("The caller's orders, live: `event: order` whenever one is created or changes (as customer, and as restaurant).");

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Stream(
        HttpContext context, ClaimsPrincipal caller, IOrderStore orders, OrderChanges changes, StreamSlots slots, StreamAccess access,
        TimeProvider clock, IOptions<TavoloOptions> options)
    {
        if (options.Value.Hosting.Equals("lambda", StringComparison.OrdinalIgnoreCase))
        {
            // As the waitlist streams: API Gateway would buffer the stream and one instance sees only its own writes,
            // so refuse at once and the page polls GET /orders (Retry-After says for how long).
            context.Response.Headers.RetryAfter = "3600";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Live streams are not served here",
                detail: "This host answers polls instead: GET /orders.");
        }
        var me = caller.Id();
        var isRestaurant = caller.IsInRole(Roles.Owner);
        var (slot, refusal) = slots.TryTake("user:" + me, isRestaurant ? me : null); // a restaurant's board counts against its cap
        if (refusal is not null)
            return refusal;
        using (slot)
        using (var subscription = changes.Subscribe(me))
        using (var lifetime = ServerSentEvents.Lifetime(context))
        using (var watch = access.Begin(context, lifetime.Token)) // ends with the session; each order is read through its ownership rule
        {
            await RunAsync(context.Response, subscription, me, isRestaurant, orders, clock, options.Value.Streams, watch.Token);
        }
        return TypedResults.Empty;
    }

    private static async Task RunAsync(
        HttpResponse response, OrderSubscription subscription, string me, bool isRestaurant, IOrderStore orders, TimeProvider clock,
        StreamOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await ServerSentEvents.StartAsync(response, cancellationToken);
            // Each keep-alive timer is armed before the previous comment goes out: the interval counts from there, and
            // a client that reads the comment never moves on ahead of the next timer.
            var keepAlive = TimeSpan.FromSeconds(Math.Max(1, options.KeepAliveSeconds));
            var silence = Task.Delay(keepAlive, clock, cancellationToken);
            Task<bool>? ready = null;
            while (true)
            {
                ready ??= subscription.Reader.WaitToReadAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(ready, silence) == silence)
                {
                    await silence; // throws when the token ended
                    silence = Task.Delay(keepAlive, clock, cancellationToken);
                    await ServerSentEvents.KeepAliveAsync(response, cancellationToken);
                    continue;
                }
                if (!await ready)
                    return;
                ready = null;
                var batch = subscription.Drain();
                if (subscription.TakeDropped() > 0)
                {
                    await ResyncAsync(response, me, isRestaurant, orders, cancellationToken);
                    continue;
                }
                foreach (var orderId in batch)
                {
                    // Read again through the ownership query: the store is the truth, and only the caller's orders pass.
                    if (await orders.FindAsync(orderId, me, cancellationToken) is { } order)
                        await SendAsync(response, order, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the application is stopping: the response simply ends.
        }
    }

    /// <summary>Changes were dropped: the newest orders again, as customer and (for a restaurant) as restaurant, oldest first.</summary>
    private static async Task ResyncAsync(HttpResponse response, string me, bool isRestaurant, IOrderStore orders, CancellationToken cancellationToken)
    {
        var recent = (await orders.ListAsync(new OrderFilter(me, null, null), null, ResyncLimit, cancellationToken)).ToList();
        if (isRestaurant)
            recent.AddRange(await orders.ListAsync(new OrderFilter(null, me, null), null, ResyncLimit, cancellationToken));
        foreach (var order in recent.DistinctBy(o => o.OrderId).OrderBy(o => o.UpdatedAt))
            await SendAsync(response, order, cancellationToken);
    }

    private static Task SendAsync(HttpResponse response, Order order, CancellationToken cancellationToken) =>
        ServerSentEvents.WriteAsync(response, "order", JsonSerializer.SerializeToUtf8Bytes(OrderView.From(order), OrdersJson.Default.OrderView), cancellationToken);
}
