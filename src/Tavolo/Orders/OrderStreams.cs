using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tavolo.Auth;
using Tavolo.Platform;
using Tavolo.Restaurants;
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
        IRestaurantStore restaurants, RestaurantAccess restaurantAccess, OrderViews views, TimeProvider clock, IOptions<TavoloOptions> options)
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
        // The boards this person handles now (OWNER, MANAGER, KITCHEN); each order of theirs is checked again before it is sent.
        var boards = (await restaurants.ListMembershipsAsync(me, context.RequestAborted))
            .Where(m => RestaurantPermissions.Allows(m.Role, RestaurantPermission.HandleOrders)).Select(m => m.RestaurantId).ToList();
        var (slot, refusal) = slots.TryTake("user:" + me, boards.FirstOrDefault()); // a restaurant's board counts against its cap
        if (refusal is not null)
            return refusal;
        var follow = new Following(me, boards, caller, orders, restaurantAccess, views);
        using (slot)
        using (var subscription = changes.Subscribe([OrderChanges.CustomerKey(me), .. boards.Select(OrderChanges.RestaurantKey)]))
        using (var lifetime = ServerSentEvents.Lifetime(context))
        using (var watch = access.Begin(context, lifetime.Token)) // ends with the session; each order is read and checked again
        {
            await RunAsync(context.Response, subscription, follow, clock, options.Value.Streams, watch.Token);
        }
        return TypedResults.Empty;
    }

    /// <summary>What one stream follows: the caller's own orders, and those of the boards it handles while it still may.</summary>
    private sealed record Following(
        string Me, IReadOnlyList<string> Boards, ClaimsPrincipal Caller, IOrderStore Orders, RestaurantAccess Access, OrderViews Views)
    {
        public async Task<Order?> ReadAsync(string orderId, CancellationToken cancellationToken) =>
            await Orders.FindAsync(orderId, null, cancellationToken) is { } order
                && (order.UserId == Me || await Access.AllowsAsync(Caller, order.RestaurantId, RestaurantPermission.HandleOrders, cancellationToken))
                ? order
                : null;
    }

    private static async Task RunAsync(
        HttpResponse response, OrderSubscription subscription, Following follow, TimeProvider clock, StreamOptions options,
        CancellationToken cancellationToken)
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
                    await ResyncAsync(response, follow, cancellationToken);
                    continue;
                }
                foreach (var orderId in batch)
                {
                    // Read again and checked again: the store is the truth, and a board left behind sends nothing more.
                    if (await follow.ReadAsync(orderId, cancellationToken) is { } order)
                        await SendAsync(response, order, follow.Views, cancellationToken);
                }
            }
        }
        // Once the stream's token has ended (client gone, access revoked, app stopping), whatever the call in flight threw
        // — a cancellation, or an SDK's I/O error for a cancelled request — ends the response cleanly, never an abort.
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the application is stopping: the response simply ends.
        }
    }

    /// <summary>Changes were dropped: the newest orders again, as customer and for each board still handled, oldest first.</summary>
    private static async Task ResyncAsync(HttpResponse response, Following follow, CancellationToken cancellationToken)
    {
        var recent = (await follow.Orders.ListAsync(new OrderFilter(follow.Me, null, null), null, ResyncLimit, cancellationToken)).ToList();
        foreach (var board in follow.Boards)
        {
            if (await follow.Access.AllowsAsync(follow.Caller, board, RestaurantPermission.HandleOrders, cancellationToken))
                recent.AddRange(await follow.Orders.ListAsync(new OrderFilter(null, board, null), null, ResyncLimit, cancellationToken));
        }
        foreach (var order in recent.DistinctBy(o => o.OrderId).OrderBy(o => o.UpdatedAt))
            await SendAsync(response, order, follow.Views, cancellationToken);
    }

    private static async Task SendAsync(HttpResponse response, Order order, OrderViews views, CancellationToken cancellationToken) =>
        await ServerSentEvents.WriteAsync(response, "order",
            JsonSerializer.SerializeToUtf8Bytes(await views.ViewAsync(order, cancellationToken), OrdersJson.Default.OrderView), cancellationToken);
}
