using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tavolo.Auth;
using Tavolo.Idempotency;
using Tavolo.Platform;
using Tavolo.PromoCodes;
using Tavolo.Restaurants;
using Tavolo.Users;

namespace Tavolo.Orders;

/// <summary>What the order routes need.</summary>
public sealed record OrderServices(
    [FromServices] IOrderStore Orders, [FromServices] IUserStore Users, [FromServices] IMenuStore Menus, [FromServices] OrderRedemptions Redemptions, [FromServices] OrderPlacement Placement, [FromServices] EmfMetrics Metrics, [FromServices] Cursors Cursors, [FromServices] TimeProvider Clock,
    [FromServices] OrderChanges Changes);

/// <summary>Orders: placed by a customer with a restaurant (an owner account), edited, canceled, acknowledged.</summary>
public static class OrderEndpoints
{
    /// <summary>How long after placing an order its customer may still cancel it.</summary>
    public static readonly TimeSpan CancelWindow = TimeSpan.FromMinutes(10);

    internal static void Map(RouteGroupBuilder orders)
    {
        orders.MapPost("/", Create).WithIdempotency<OrderRequest>(r => r.OrderId?.ToLowerInvariant())
            .WithSummary("Place an order; idempotent by orderId (or the Idempotency-Key header).")
            .WithDescription("Lines name menu items and quantities; the server prices them from the restaurant's menu (a client-sent name, unitPrice, subtotal or total is ignored).");
        orders.MapGet("/", List).WithSummary("The caller's orders, newest first; a restaurant's with ?restaurantId=<own id>; any for an admin.");
        orders.MapGet("/{orderId}", Get).WithSummary("An order: its customer, its restaurant, admin.");
        orders.MapPut("/{orderId}", Update).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Change items or promo code while PLACED (its customer); priced again at today's menu.");
        orders.MapDelete("/{orderId}", Cancel).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Cancel within 10 minutes while PLACED (its customer, admin).");
        orders.MapPost("/{orderId}/acknowledge", Acknowledge).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Acknowledge a PLACED order (its restaurant, admin).");
    }

    private static async Task<Results<Created<OrderView>, ValidationProblem, ProblemHttpResult>> Create(
        OrderRequest request, ClaimsPrincipal caller, [AsParameters] OrderServices services, HttpContext http, CancellationToken cancellationToken)
    {
        var now = services.Clock.GetUtcNow().UtcDateTime;
        var orderId = request.OrderId!.ToLowerInvariant();
        var restaurant = services.Users.FindAsync(request.RestaurantId!, cancellationToken);
        var priced = OrderPricing.PriceAsync(request.RestaurantId!, request.Items!, services.Menus, cancellationToken); // read both at once
        var (owner, (items, errors)) = (await restaurant, await priced);
        if (owner is not { Role: Roles.Owner })
            return Problems.Validation("restaurantId", "No such restaurant.");
        if (items is null)
            return Problems.Validation(errors!);

        var code = request.PromoCode is null ? null : PromoCodeRules.Normalize(request.PromoCode);
        var redemption = await services.Redemptions.RedeemAsync(code, caller.Id(), orderId, request.RestaurantId!, now, cancellationToken);
        if (redemption is { Succeeded: false })
            return PromoRefused(redemption.Refusal!);
        var (subtotal, discount, total) = OrderPricing.Totals(items, redemption?.DiscountPercentage);
        var order = new Order(orderId, caller.Id(), request.RestaurantId!, OrderStatus.Placed, items, subtotal, code,
            redemption?.DiscountPercentage, discount, total, now, now, Version: 1);

        var placed = (Result: OrderPlacement.Result.OtherCustomers, Order: order);
        await services.Redemptions.WriteAsync(code, redemption, orderId, async () =>
        {
            placed = await services.Placement.PlaceAsync(order, request, http.Features.Get<IdempotencyScope>(), cancellationToken);
            return placed.Result == OrderPlacement.Result.Created;
        });
        switch (placed.Result)
        {
            case OrderPlacement.Result.OtherCustomers:
                return Problems.Conflict("An order with this orderId already exists.");
            case OrderPlacement.Result.DifferentRequest:
                return TypedResults.Problem("This orderId was used with a different request.", statusCode: StatusCodes.Status422UnprocessableEntity);
            case OrderPlacement.Result.SameRequest:
                http.Response.Headers[IdempotencyScope.ReplayedHeader] = "true"; // the first attempt's order (it may have died before answering)
                return TypedResults.Created(OrderPlacement.Location(placed.Order), OrderView.From(placed.Order));
        }
        services.Metrics.Write("orders", ("SuccessfulOrder", "Count", 1m), ("OrderTotal", "None", total));
        Telemetry.OrdersPlaced.Add(1);
        Telemetry.OrderTotal.Record((double)total);
        services.Changes.Publish(order);
        return TypedResults.Created(OrderPlacement.Location(order), OrderView.From(order));
    }

    private static async Task<Results<Ok<Page<OrderView>>, ValidationProblem, ProblemHttpResult>> List(
        [AsParameters] OrderListQuery query, ClaimsPrincipal caller, [AsParameters] OrderServices services, CancellationToken cancellationToken)
    {
        var me = caller.Id();
        OrderFilter filter;
        if (caller.IsAdmin())
            filter = new(query.UserId, query.RestaurantId, query.Status);
        else if (query.UserId is not null && query.UserId != me)
            return Problems.Forbidden("Only an admin can list another user's orders.");
        else if (query.RestaurantId == me)
            filter = new(query.UserId, me, query.Status); // a restaurant's incoming orders
        else
            filter = new(me, query.RestaurantId, query.Status);

        var scope = $"orders|{filter.UserId}|{filter.RestaurantId}|{filter.Status}";
        if (!services.Cursors.TryAfter(scope, query.Cursor, out var position))
            return Paging.InvalidCursor();
        (DateTime, string)? before = null;
        if (position is not null)
        {
            if (!TimeIdCursor.TryDecode(position, out var at, out var id))
                return Paging.InvalidCursor();
            before = (at.UtcDateTime, id);
        }
        var limit = PageLimit.Parse(query.Limit);
        var rows = await services.Orders.ListAsync(filter, before, limit + 1, cancellationToken);
        return TypedResults.Ok(services.Cursors.ToPage(scope, rows, limit, OrderView.From, o => TimeIdCursor.Encode(o.CreatedAt, o.OrderId)));
    }

    // The store alone: resolving OrderServices' nine services on every read was 1.5 % of its CPU.
    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Get(
        string orderId, ClaimsPrincipal caller, [FromServices] IOrderStore orders, CancellationToken cancellationToken) =>
        await FindVisibleAsync(orderId, caller, orders, cancellationToken) is { } order
            ? TypedResults.Ok(OrderView.From(order))
            : Problems.NotFound("No such order.");

    private static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> Update(
        string orderId, OrderUpdateRequest request, ClaimsPrincipal caller, [AsParameters] OrderServices services, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(orderId, caller, services.Orders, cancellationToken) is not { } current)
            return Problems.NotFound("No such order.");
        if (current.UserId != caller.Id())
            return Problems.Forbidden("Only the order's customer can change it.");
        if (current.Status != OrderStatus.Placed)
            return Problems.Conflict($"Only a PLACED order can be changed; this one is {current.Status}.");
        var (items, errors) = await OrderPricing.PriceAsync(current.RestaurantId, request.Items!, services.Menus, cancellationToken);
        if (items is null)
            return Problems.Validation(errors!);

        var now = services.Clock.GetUtcNow().UtcDateTime;
        var code = request.PromoCode is null ? null : PromoCodeRules.Normalize(request.PromoCode);
        var discountPercentage = current.DiscountPercentage;
        Redemption? redemption = null;
        if (code != current.PromoCode)
        {
            redemption = await services.Redemptions.RedeemAsync(code, caller.Id(), current.OrderId, current.RestaurantId, now, cancellationToken);
            if (redemption is { Succeeded: false })
                return PromoRefused(redemption.Refusal!);
            discountPercentage = redemption?.DiscountPercentage;
        }
        var (subtotal, discount, total) = OrderPricing.Totals(items, discountPercentage);
        var updated = current with
        {
            Items = items,
            Subtotal = subtotal,
            PromoCode = code,
            DiscountPercentage = discountPercentage,
            Discount = discount,
            Total = total,
            UpdatedAt = now,
            Version = current.Version + 1,
        };
        if (!await services.Redemptions.WriteAsync(code, redemption, current.OrderId,
                () => services.Orders.UpdateAsync(updated, current.Version, cancellationToken), replacing: current.PromoCode))
            return Problems.Conflict("The order changed meanwhile (it may no longer be PLACED); read it again.");
        services.Changes.Publish(updated);
        return TypedResults.Ok(OrderView.From(updated));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Cancel(
        string orderId, ClaimsPrincipal caller, [AsParameters] OrderServices services, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(orderId, caller, services.Orders, cancellationToken) is not { } current)
            return Problems.NotFound("No such order.");
        if (current.UserId != caller.Id() && !caller.IsAdmin())
            return Problems.Forbidden("Only the order's customer or an admin can cancel it.");
        var now = services.Clock.GetUtcNow().UtcDateTime;
        if (current.Status != OrderStatus.Placed)
            return Problems.Conflict($"Only a PLACED order can be canceled; this one is {current.Status}.");
        if (now - current.CreatedAt > CancelWindow)
            return Problems.Conflict($"An order can be canceled only within {CancelWindow.TotalMinutes} minutes of being placed.");
        if (await services.Orders.TransitionAsync(current.OrderId, OrderStatus.Canceled, now, now - CancelWindow, cancellationToken) is not { } canceled)
            return Problems.Conflict("The order changed meanwhile and can no longer be canceled.");
        await services.Redemptions.GiveBackAsync(canceled);
        services.Changes.Publish(canceled);
        return TypedResults.Ok(OrderView.From(canceled));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Acknowledge(
        string orderId, ClaimsPrincipal caller, [AsParameters] OrderServices services, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(orderId, caller, services.Orders, cancellationToken) is not { } current)
            return Problems.NotFound("No such order.");
        if (current.RestaurantId != caller.Id() && !caller.IsAdmin())
            return Problems.Forbidden("Only the order's restaurant or an admin can acknowledge it.");
        if (current.Status != OrderStatus.Placed)
            return Problems.Conflict($"Only a PLACED order can be acknowledged; this one is {current.Status}.");
        if (await services.Orders.TransitionAsync(current.OrderId, OrderStatus.Acknowledged, services.Clock.GetUtcNow().UtcDateTime, null, cancellationToken) is not { } acknowledged)
            return Problems.Conflict("The order changed meanwhile and can no longer be acknowledged.");
        services.Changes.Publish(acknowledged);
        return TypedResults.Ok(OrderView.From(acknowledged));
    }

    private static ValidationProblem PromoRefused(string reason) =>
        Problems.Validation("promoCode", reason switch
        {
            PromoReason.Expired => "The promo code has expired.",
            PromoReason.NotOwner => "The promo code is not yours to use.",
            PromoReason.Exhausted => "The promo code has no redemptions left.",
            PromoReason.WrongRestaurant => "The promo code is not valid at this restaurant.",
            _ => "No such promo code.",
        });

    /// <summary>The order when the caller may see it (its customer, its restaurant, an admin): the store's query decides.</summary>
    private static Task<Order?> FindVisibleAsync(string orderId, ClaimsPrincipal caller, IOrderStore orders, CancellationToken cancellationToken) =>
        Guid.TryParseExact(orderId, "D", out _)
            ? orders.FindAsync(orderId.ToLowerInvariant(), caller.IsAdmin() ? null : caller.Id(), cancellationToken)
            : Task.FromResult<Order?>(null);
}
