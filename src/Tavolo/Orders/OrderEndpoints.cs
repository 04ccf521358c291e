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
    [FromServices] IOrderStore Orders, [FromServices] IRestaurantStore Restaurants, [FromServices] IMenuStore Menus, [FromServices] OrderRedemptions Redemptions, [FromServices] OrderPlacement Placement, [FromServices] EmfMetrics Metrics, [FromServices] Cursors Cursors, [FromServices] TimeProvider Clock,
    [FromServices] OrderChanges Changes, [FromServices] OrderViews Views, [FromServices] RestaurantAccess Access);

/// <summary>Orders: placed by a customer with a restaurant, edited and canceled by the customer, handled by the restaurant's OWNER, MANAGER and KITCHEN.</summary>
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
        var found = services.Restaurants.FindAsync(request.RestaurantId!, cancellationToken);
        var priced = OrderPricing.PriceAsync(request.RestaurantId!, request.Items!, services.Menus, cancellationToken); // read both at once
        var (restaurant, (items, errors)) = (await found, await priced);
        if (restaurant is null)
            return Problems.Validation("restaurantId", "No such restaurant.");
        if (items is null)
            return Problems.Validation(errors!);

        var code = request.PromoCode is null ? null : PromoCodeRules.Normalize(request.PromoCode);
        var redemption = await services.Redemptions.RedeemAsync(code, caller.Id(), orderId, request.RestaurantId!, now, cancellationToken);
        if (redemption is { Succeeded: false })
            return PromoRefused(redemption.Refusal!);
        var (subtotal, discount, total) = OrderPricing.Totals(items, redemption?.DiscountPercentage);
        var order = new Order(orderId, caller.Id(), request.RestaurantId!, OrderStatus.Placed, items, subtotal, code,
            redemption?.DiscountPercentage, discount, total, now, now, Version: 1, restaurant.Currency);

        var view = await services.Views.ViewAsync(order, cancellationToken);
        var placed = (Result: OrderPlacement.Result.OtherCustomers, Order: order);
        await services.Redemptions.WriteAsync(code, redemption, orderId, async () =>
        {
            placed = await services.Placement.PlaceAsync(order, view, request, http.Features.Get<IdempotencyScope>(), cancellationToken);
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
                return TypedResults.Created(OrderPlacement.Location(placed.Order), await services.Views.ViewAsync(placed.Order, cancellationToken));
        }
        services.Metrics.Write("orders", ("SuccessfulOrder", "Count", 1m), ("OrderTotal", "None", total));
        Telemetry.OrdersPlaced.Add(1);
        Telemetry.OrderTotal.Record((double)total);
        services.Changes.Publish(order);
        return TypedResults.Created(OrderPlacement.Location(order), view);
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
        else if (query.RestaurantId is { } restaurantId
            && await services.Access.CheckAsync(caller, restaurantId, RestaurantPermission.HandleOrders, cancellationToken) is { IsMember: true } access)
        {
            if (!access.Allowed)
                return access.Refusal("No such restaurant.");
            filter = new(query.UserId, restaurantId, query.Status); // the restaurant's board
        }
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
        var views = (await services.Views.ViewsAsync(rows, cancellationToken)).ToDictionary(v => v.OrderId, StringComparer.Ordinal);
        return TypedResults.Ok(services.Cursors.ToPage(scope, rows, limit, o => views[o.OrderId], o => TimeIdCursor.Encode(o.CreatedAt, o.OrderId)));
    }

    // Three services, not OrderServices: resolving its services on every read was 1.5 % of its CPU.
    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Get(
        string orderId, ClaimsPrincipal caller, [FromServices] IOrderStore orders, [FromServices] RestaurantAccess access, [FromServices] OrderViews views,
        CancellationToken cancellationToken) =>
        await FindVisibleAsync(orderId, caller, orders, access, cancellationToken) is { } order
            ? TypedResults.Ok(await views.ViewAsync(order, cancellationToken))
            : Problems.NotFound("No such order.");

    private static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> Update(
        string orderId, OrderUpdateRequest request, ClaimsPrincipal caller, [AsParameters] OrderServices services, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(orderId, caller, services.Orders, services.Access, cancellationToken) is not { } current)
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
        return TypedResults.Ok(await services.Views.ViewAsync(updated, cancellationToken));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Cancel(
        string orderId, ClaimsPrincipal caller, [AsParameters] OrderServices services, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(orderId, caller, services.Orders, services.Access, cancellationToken) is not { } current)
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
        return TypedResults.Ok(await services.Views.ViewAsync(canceled, cancellationToken));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Acknowledge(
        string orderId, ClaimsPrincipal caller, [AsParameters] OrderServices services, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(orderId, caller, services.Orders, services.Access, cancellationToken) is not { } current)
            return Problems.NotFound("No such order.");
        if (!await services.Access.AllowsAsync(caller, current.RestaurantId, RestaurantPermission.HandleOrders, cancellationToken))
            return Problems.Forbidden("Only the order's restaurant (OWNER, MANAGER, KITCHEN) or an admin can acknowledge it.");
        if (current.Status != OrderStatus.Placed)
            return Problems.Conflict($"Only a PLACED order can be acknowledged; this one is {current.Status}.");
        if (await services.Orders.TransitionAsync(current.OrderId, OrderStatus.Acknowledged, services.Clock.GetUtcNow().UtcDateTime, null, cancellationToken) is not { } acknowledged)
            return Problems.Conflict("The order changed meanwhile and can no longer be acknowledged.");
        services.Changes.Publish(acknowledged);
        return TypedResults.Ok(await services.Views.ViewAsync(acknowledged, cancellationToken));
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

    /// <summary>The order when the caller may see it (its customer, its restaurant's OWNER/MANAGER/KITCHEN, an admin).</summary>
    internal static async Task<Order?> FindVisibleAsync(
        string orderId, ClaimsPrincipal caller, IOrderStore orders, RestaurantAccess access, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(orderId, "D", out _) || await orders.FindAsync(orderId.ToLowerInvariant(), null, cancellationToken) is not { } order)
            return null;
        return order.UserId == caller.Id() || await access.AllowsAsync(caller, order.RestaurantId, RestaurantPermission.HandleOrders, cancellationToken)
            ? order
            : null;
    }
}
