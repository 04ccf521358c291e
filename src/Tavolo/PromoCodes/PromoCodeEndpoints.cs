using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tavolo.Auth;
using Tavolo.Idempotency;
using Tavolo.Platform;
using Tavolo.Restaurants;
using Tavolo.Users;

namespace Tavolo.PromoCodes;

/// <summary>What the promo-code routes need.</summary>
public sealed record PromoCodeServices(
    [FromServices] IPromoCodeStore Store, [FromServices] IUserStore Users, [FromServices] IRestaurantStore Restaurants, [FromServices] RestaurantAccess Access,
    [FromServices] Cursors Cursors, [FromServices] TimeProvider Clock)
{
    /// <summary>The views of codes with their customers' names (one read per distinct customer).</summary>
    public async Task<Func<PromoCode, PromoCodeView>> ViewsAsync(IEnumerable<PromoCode> codes, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var owner in codes.Select(c => c.OwnerId).Distinct(StringComparer.Ordinal))
            names[owner] = (await Users.FindAsync(owner, cancellationToken))?.Name ?? Orders.OrderViews.DeletedCustomer;
        return c => PromoCodeView.From(c, names[c.OwnerId]);
    }

    public async Task<PromoCodeView> ViewAsync(PromoCode code, CancellationToken cancellationToken) => (await ViewsAsync([code], cancellationToken))(code);
}

/// <summary>Promo codes: issued by a restaurant's OWNER and MANAGER (or an admin), used by the customer they name at that restaurant, listed in a back office.</summary>
public static class PromoCodeEndpoints
{
    internal static void Map(RouteGroupBuilder codes)
    {
        codes.MapPost("/", Create).WithIdempotency<PromoCodeRequest>()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Issue a promo code (a restaurant's OWNER, MANAGER: for that restaurant; admin: for one, or every one when restaurantId is left out).");
        codes.MapGet("/", List).WithSummary("Filter, sort and page promo codes: all (admin), your restaurants' (OWNER, MANAGER), usable (everyone).");
        codes.MapGet("/{code}", Get).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A promo code: its restaurant's OWNER/MANAGER, its customer, admin.");
        codes.MapPut("/{code}", Update).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Replace a promo code's terms (its restaurant's OWNER/MANAGER, admin); its restaurant stays.");
        codes.MapDelete("/{code}", Delete).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delete a promo code (its restaurant's OWNER/MANAGER, admin).");
        codes.MapPost("/{code}/validate", Validate)
            .WithSummary("Can the caller use this code now (at ?restaurantId= when given)? With the reason when not.");
    }

    private static async Task<Results<Created<PromoCodeView>, ValidationProblem, ProblemHttpResult>> Create(
        PromoCodeRequest request, ClaimsPrincipal caller, [AsParameters] PromoCodeServices services, CancellationToken cancellationToken)
    {
        var now = PromoCodeRules.Microseconds(services.Clock.GetUtcNow().UtcDateTime);
        string? restaurantId = null;
        if (!caller.IsAdmin() || request.RestaurantId is not null)
        {
            var (chosen, refused) = await services.Access.ChooseAsync(caller, request.RestaurantId, RestaurantPermission.ManagePromoCodes, cancellationToken);
            if (refused is not null)
                return refused switch
                {
                    ValidationProblem v => v,
                    // A restaurant named that the caller may not use is a bad field of the body, as the contract says.
                    ProblemHttpResult { ProblemDetails.Status: 404 } => Problems.Validation("restaurantId", "No such restaurant of yours."),
                    ProblemHttpResult p => p,
                    _ => throw new InvalidOperationException(),
                };
            restaurantId = chosen;
        }
        var (ownerId, invalid) = await CheckTermsAsync(request, services.Users, now, cancellationToken);
        if (invalid is not null)
            return invalid;
        var attempts = request.Code is null ? 3 : 1; // a generated code may (very rarely) collide: draw again
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var promo = new PromoCode(
                PromoCodeRules.Normalize(request.Code ?? PromoCodeRules.Generate()), ownerId!, caller.Id(), restaurantId,
                request.DiscountPercentage!.Value, PromoCodeRules.Microseconds(request.ExpiresAt!.Value), request.Description!.Trim(),
                request.MaxRedemptions, 0, now, now);
            if (await services.Store.CreateAsync(promo, cancellationToken))
                return TypedResults.Created($"/promo-codes/{promo.Code}", await services.ViewAsync(promo, cancellationToken));
        }
        return Problems.Conflict("A promo code with this code already exists.");
    }

    private static async Task<Results<Ok<Page<PromoCodeView>>, ValidationProblem>> List(
        [AsParameters] PromoCodeListQuery query, ClaimsPrincipal caller, [AsParameters] PromoCodeServices services, CancellationToken cancellationToken)
    {
        var filter = caller.IsAdmin() ? query.ToFilter(null, null)
            : query.ToFilter((await services.Restaurants.ListMembershipsAsync(caller.Id(), cancellationToken))
                .Where(m => RestaurantPermissions.Allows(m.Role, RestaurantPermission.ManagePromoCodes)).Select(m => m.RestaurantId).ToList(), caller.Id());
        var scope = query.Scope(filter);
        if (!services.Cursors.TryAfter(scope, query.Cursor, out var position))
            return Paging.InvalidCursor();
        var after = position is null ? null : PromoPosition.Parse(position, filter.Sort);
        if (position is not null && after is null)
            return Paging.InvalidCursor();
        var limit = PageLimit.Parse(query.Limit);
        var rows = await services.Store.ListAsync(filter, after, limit + 1, services.Clock.GetUtcNow().UtcDateTime, cancellationToken);
        var view = await services.ViewsAsync(rows.Take(limit), cancellationToken);
        return TypedResults.Ok(services.Cursors.ToPage(scope, rows, limit, view, c => PromoPosition.Of(c, filter.Sort).Format()));
    }

    private static async Task<Results<Ok<PromoCodeView>, ProblemHttpResult>> Get(
        string code, ClaimsPrincipal caller, [AsParameters] PromoCodeServices services, CancellationToken cancellationToken) =>
        await FindVisibleAsync(code, caller, services, cancellationToken) is { } promo
            ? TypedResults.Ok(await services.ViewAsync(promo, cancellationToken))
            : Problems.NotFound("No such promo code.");

    private static async Task<Results<Ok<PromoCodeView>, ValidationProblem, ProblemHttpResult>> Update(
        string code, PromoCodeRequest request, ClaimsPrincipal caller, [AsParameters] PromoCodeServices services, CancellationToken cancellationToken)
    {
        var (current, refusal) = await FindManagedAsync(code, caller, services, cancellationToken);
        if (current is null)
            return refusal!;
        var now = PromoCodeRules.Microseconds(services.Clock.GetUtcNow().UtcDateTime);
        var (ownerId, invalid) = await CheckTermsAsync(request, services.Users, now, cancellationToken);
        if (invalid is not null)
            return invalid;
        var updated = current with
        {
            OwnerId = ownerId!,
            DiscountPercentage = request.DiscountPercentage!.Value,
            ExpiresAt = PromoCodeRules.Microseconds(request.ExpiresAt!.Value),
            Description = request.Description!.Trim(),
            MaxRedemptions = request.MaxRedemptions,
            UpdatedAt = now,
        };
        if (await services.Store.UpdateAsync(updated, cancellationToken))
            return TypedResults.Ok(await services.ViewAsync(await services.Store.FindAsync(current.Code, null, cancellationToken) ?? updated, cancellationToken));
        return await services.Store.FindAsync(current.Code, null, cancellationToken) is { } latest
            ? Problems.Conflict($"maxRedemptions cannot be below the {latest.Redemptions} redemptions already made.")
            : Problems.NotFound("No such promo code.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string code, ClaimsPrincipal caller, [AsParameters] PromoCodeServices services, CancellationToken cancellationToken)
    {
        var (current, refusal) = await FindManagedAsync(code, caller, services, cancellationToken);
        if (current is null)
            return refusal!;
        return await services.Store.DeleteAsync(current.Code, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("No such promo code.");
    }

    private static async Task<Ok<ValidateResult>> Validate(
        string code, [AsParameters] ValidateQuery query, ClaimsPrincipal caller, [AsParameters] PromoCodeServices services, CancellationToken cancellationToken)
    {
        var normalized = PromoCodeRules.Normalize(code);
        // Any user may ask about any code name: the answer is a reason, never the terms of someone else's code.
        var promo = PromoCodeRules.IsWellFormed(normalized) ? await services.Store.FindAsync(normalized, null, cancellationToken) : null;
        var reason = promo is null ? PromoReason.NotFound : promo.RefusalFor(caller.Id(), query.RestaurantId, services.Clock.GetUtcNow().UtcDateTime);
        return TypedResults.Ok(new ValidateResult(normalized, reason is null, reason, reason is null ? promo!.DiscountPercentage : null));
    }

    /// <summary>
    /// The terms checks that need the database or the clock: the customer exists (by id, or by the email of an account:
    /// its id is returned) and the expiry is ahead.
    /// </summary>
    private static async Task<(string? OwnerId, ValidationProblem? Invalid)> CheckTermsAsync(
        PromoCodeRequest request, IUserStore users, DateTime now, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.ExpiresAt!.Value.ToUniversalTime() <= now)
            errors.Add("expiresAt", "Must be in the future.");
        string? ownerId = null;
        if (request.OwnerEmail is { } email)
        {
            ownerId = (await users.FindByEmailAsync(email, cancellationToken))?.Id;
            if (ownerId is null)
                errors.Add("ownerEmail", "No account has this email.");
        }
        else if (await users.FindAsync(request.OwnerId!.Trim(), cancellationToken) is { } owner)
            ownerId = owner.Id;
        else
            errors.Add("ownerId", "No such user.");
        return errors.IsEmpty ? (ownerId, null) : (null, Problems.Validation(errors));
    }

    /// <summary>The code when the caller may see it: its restaurant's OWNER/MANAGER, its customer, an admin.</summary>
    private static async Task<PromoCode?> FindVisibleAsync(string code, ClaimsPrincipal caller, PromoCodeServices services, CancellationToken cancellationToken)
    {
        var normalized = PromoCodeRules.Normalize(code);
        if (!PromoCodeRules.IsWellFormed(normalized) || await services.Store.FindAsync(normalized, null, cancellationToken) is not { } promo)
            return null;
        return caller.IsAdmin() || promo.OwnerId == caller.Id() || await ManagesAsync(promo, caller, services, cancellationToken) ? promo : null;
    }

    private static async Task<bool> ManagesAsync(PromoCode promo, ClaimsPrincipal caller, PromoCodeServices services, CancellationToken cancellationToken) =>
        caller.IsAdmin()
        || (promo.RestaurantId is { } restaurantId
            && await services.Access.AllowsAsync(caller, restaurantId, RestaurantPermission.ManagePromoCodes, cancellationToken));

    /// <summary>The code when the caller may change it (its restaurant's OWNER/MANAGER, an admin): its customer gets 403, anyone else 404.</summary>
    private static async Task<(PromoCode? Promo, ProblemHttpResult? Refusal)> FindManagedAsync(
        string code, ClaimsPrincipal caller, PromoCodeServices services, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(code, caller, services, cancellationToken) is not { } promo)
            return (null, Problems.NotFound("No such promo code."));
        return await ManagesAsync(promo, caller, services, cancellationToken)
            ? (promo, null)
            : (null, Problems.Forbidden("Only the code's restaurant (OWNER, MANAGER) or an admin can change it."));
    }
}
