using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tavolo.Auth;
using Tavolo.Idempotency;
using Tavolo.Platform;
using Tavolo.PromoCodes;
using Tavolo.Users;

namespace Tavolo.Orders;

/// <summary>Orders: placed by a customer with a restaurant (an owner account), edited, canceled, acknowledged.</summary>
public static class OrderEndpoints
{
    /// <summary>How long after placing an order its customer may still cancel it.</summary>
    public static readonly TimeSpan CancelWindow = TimeSpan.FromMinutes(10);

    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(OrdersJson.Default));
        services.AddSingleton<OrderPlacement>();
        return services;
    }

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/orders").WithTags("Orders").RequireAuthorization().WithValidation()
            .ProducesProblem(StatusCodes.Status404NotFound);
        orders.MapPost("/", Create).WithIdempotency<OrderRequest>(r => r.OrderId?.ToLowerInvariant())
            .WithSummary("Place an order; idempotent by orderId (or the Idempotency-Key header).");
        orders.MapGet("/", List).WithSummary("The caller's orders, newest first; a restaurant's with ?restaurantId=<own id>; any for an admin.");
        orders.MapGet("/{orderId}", Get).WithSummary("An order: its customer, its restaurant, admin.");
        orders.MapPut("/{orderId}", Update).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Change items or promo code while PLACED (its customer).");
        orders.MapDelete("/{orderId}", Cancel).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Cancel within 10 minutes while PLACED (its customer, admin).");
        orders.MapPost("/{orderId}/acknowledge", Acknowledge).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Acknowledge a PLACED order (its restaurant, admin).");
        return app;
    }

    private static async Task<Results<Created<OrderView>, ValidationProblem, ProblemHttpResult>> Create(
        OrderRequest request, ClaimsPrincipal caller, OrderPlacement placement, IUserStore users, IPromoCodeStore promos, EmfMetrics metrics,
        TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var orderId = request.OrderId!.ToLowerInvariant();
        if (await users.FindAsync(request.RestaurantId!, cancellationToken) is not { Role: Roles.Owner })
            return Problems.Validation("restaurantId", "No such restaurant.");

        var items = OrderRules.ToItems(request.Items!);
        var code = request.PromoCode is null ? null : PromoCodeRules.Normalize(request.PromoCode);
        var redemption = code is null ? null : await promos.RedeemAsync(code, caller.Id(), orderId, now, cancellationToken);
        if (redemption is { Succeeded: false })
            return PromoRefused(redemption.Refusal!);
        var (subtotal, discount, total) = Money.Price(items, redemption?.DiscountPercentage);
        var order = new Order(orderId, caller.Id(), request.RestaurantId!, OrderStatus.Placed, items, subtotal, code,
            redemption?.DiscountPercentage, discount, total, now, now, Version: 1);

        var placed = (Result: OrderPlacement.Result.OtherCustomers, Order: order);
        try
        {
            placed = await placement.PlaceAsync(order, request, http.Features.Get<IdempotencyScope>(), cancellationToken);
        }
        finally
        {
            // A failed order never keeps a redemption; one this call did not take (the id's existing order holds it) stays.
            if (placed.Result != OrderPlacement.Result.Created && redemption is { Counted: true })
                await promos.ReleaseAsync(code!, orderId, CancellationToken.None);
        }
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
        metrics.Write("orders", ("SuccessfulOrder", "Count", 1m), ("OrderTotal", "None", total));
        return TypedResults.Created(OrderPlacement.Location(order), OrderView.From(order));
    }

    private static async Task<Results<Ok<Page<OrderView>>, ValidationProblem, ProblemHttpResult>> List(
        [AsParameters] OrderListQuery query, ClaimsPrincipal caller, IOrderStore orders, Cursors cursors, CancellationToken cancellationToken)
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
        if (!cursors.TryAfter(scope, query.Cursor, out var position))
            return Paging.InvalidCursor();
        (DateTime, string)? before = null;
        if (position is not null)
        {
            var bar = position.IndexOf('|', StringComparison.Ordinal);
            if (bar <= 0 || !DateTime.TryParseExact(position[..bar], "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
                return Paging.InvalidCursor();
            before = (at.ToUniversalTime(), position[(bar + 1)..]);
        }
        var limit = PageLimit.Parse(query.Limit);
        var rows = await orders.ListAsync(filter, before, limit + 1, cancellationToken);
        return TypedResults.Ok(cursors.ToPage(scope, rows, limit, OrderView.From,
            o => o.CreatedAt.ToString("O", CultureInfo.InvariantCulture) + "|" + o.OrderId));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Get(
        string orderId, ClaimsPrincipal caller, IOrderStore orders, CancellationToken cancellationToken) =>
        await FindVisibleAsync(orderId, caller, orders, cancellationToken) is { } order
            ? TypedResults.Ok(OrderView.From(order))
            : Problems.NotFound("No such order.");

    private static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> Update(
        string orderId, OrderUpdateRequest request, ClaimsPrincipal caller, IOrderStore orders, IPromoCodeStore promos, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (current, refusal) = await FindForAsync(orderId, caller, orders, o => o.UserId == caller.Id(), "Only the order's customer can change it.", cancellationToken);
        if (current is null)
            return refusal!;
        if (current.Status != OrderStatus.Placed)
            return Problems.Conflict($"Only a PLACED order can be changed; this one is {current.Status}.");

        var now = clock.GetUtcNow().UtcDateTime;
        var code = request.PromoCode is null ? null : PromoCodeRules.Normalize(request.PromoCode);
        var discountPercentage = current.DiscountPercentage;
        Redemption? redemption = null;
        if (code != current.PromoCode)
        {
            redemption = code is null ? null : await promos.RedeemAsync(code, caller.Id(), current.OrderId, now, cancellationToken);
            if (redemption is { Succeeded: false })
                return PromoRefused(redemption.Refusal!);
            discountPercentage = redemption?.DiscountPercentage;
        }
        var items = OrderRules.ToItems(request.Items!);
        var (subtotal, discount, total) = Money.Price(items, discountPercentage);
        var updated = current with
        {
            Items = items, Subtotal = subtotal, PromoCode = code, DiscountPercentage = discountPercentage, Discount = discount, Total = total,
            UpdatedAt = now, Version = current.Version + 1,
        };

        var saved = false;
        try
        {
            saved = await orders.UpdateAsync(updated, current.Version, cancellationToken);
        }
        finally
        {
            if (!saved && redemption is { Counted: true })
                await promos.ReleaseAsync(code!, current.OrderId, CancellationToken.None);
        }
        if (!saved)
            return Problems.Conflict("The order changed meanwhile (it may no longer be PLACED); read it again.");
        if (current.PromoCode is not null && current.PromoCode != code)
            await promos.ReleaseAsync(current.PromoCode, current.OrderId, CancellationToken.None);
        return TypedResults.Ok(OrderView.From(updated));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Cancel(
        string orderId, ClaimsPrincipal caller, IOrderStore orders, IPromoCodeStore promos, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (current, refusal) = await FindForAsync(orderId, caller, orders, o => o.UserId == caller.Id() || caller.IsAdmin(),
            "Only the order's customer or an admin can cancel it.", cancellationToken);
        if (current is null)
            return refusal!;
        var now = clock.GetUtcNow().UtcDateTime;
        if (current.Status != OrderStatus.Placed)
            return Problems.Conflict($"Only a PLACED order can be canceled; this one is {current.Status}.");
        if (now - current.CreatedAt > CancelWindow)
            return Problems.Conflict($"An order can be canceled only within {CancelWindow.TotalMinutes} minutes of being placed.");
        if (await orders.TransitionAsync(current.OrderId, OrderStatus.Canceled, now, now - CancelWindow, cancellationToken) is not { } canceled)
            return Problems.Conflict("The order changed meanwhile and can no longer be canceled.");
        if (canceled.PromoCode is not null)
            await promos.ReleaseAsync(canceled.PromoCode, canceled.OrderId, CancellationToken.None); // a canceled order gives its redemption back
        return TypedResults.Ok(OrderView.From(canceled));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Acknowledge(
        string orderId, ClaimsPrincipal caller, IOrderStore orders, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (current, refusal) = await FindForAsync(orderId, caller, orders, o => o.RestaurantId == caller.Id() || caller.IsAdmin(),
            "Only the order's restaurant or an admin can acknowledge it.", cancellationToken);
        if (current is null)
            return refusal!;
        if (current.Status != OrderStatus.Placed)
            return Problems.Conflict($"Only a PLACED order can be acknowledged; this one is {current.Status}.");
        return await orders.TransitionAsync(current.OrderId, OrderStatus.Acknowledged, clock.GetUtcNow().UtcDateTime, null, cancellationToken) is { } acknowledged
            ? TypedResults.Ok(OrderView.From(acknowledged))
            : Problems.Conflict("The order changed meanwhile and can no longer be acknowledged.");
    }

    private static ValidationProblem PromoRefused(string reason) =>
        Problems.Validation("promoCode", reason switch
        {
            PromoReason.Expired => "The promo code has expired.",
            PromoReason.NotOwner => "The promo code is not yours to use.",
            PromoReason.Exhausted => "The promo code has no redemptions left.",
            _ => "No such promo code.",
        });

    /// <summary>The order when the caller may see it: its customer, its restaurant, an admin. Anyone else: not found.</summary>
    private static async Task<Order?> FindVisibleAsync(string orderId, ClaimsPrincipal caller, IOrderStore orders, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(orderId, "D", out _) || await orders.FindAsync(orderId.ToLowerInvariant(), cancellationToken) is not { } order)
            return null;
        var me = caller.Id();
        return order.UserId == me || order.RestaurantId == me || caller.IsAdmin() ? order : null;
    }

    /// <summary>The order when the caller may do <paramref name="allowed"/>; 403 when it can see the order but not do this, else 404.</summary>
    private static async Task<(Order? Order, ProblemHttpResult? Refusal)> FindForAsync(
        string orderId, ClaimsPrincipal caller, IOrderStore orders, Func<Order, bool> allowed, string forbidden, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(orderId, caller, orders, cancellationToken) is not { } order)
            return (null, Problems.NotFound("No such order."));
        return allowed(order) ? (order, null) : (null, Problems.Forbidden(forbidden));
    }
}
