using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tavolo.Auth;
using Tavolo.Idempotency;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.PromoCodes;

/// <summary>What the promo-code routes need.</summary>
public sealed record PromoCodeServices([FromServices] IPromoCodeStore Store, [FromServices] IUserStore Users, [FromServices] Cursors Cursors, [FromServices] TimeProvider Clock);

/// <summary>Promo codes: issued by owners and admins, used by the user they name at the restaurant they name, listed in a back office.</summary>
public static class PromoCodeEndpoints
{
    internal static void Map(RouteGroupBuilder codes)
    {
        codes.MapPost("/", Create).RequireAuthorization(Policies.Staff).WithIdempotency<PromoCodeRequest>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Issue a promo code (owner: for its own restaurant; admin: for one restaurant, or every one when restaurantId is left out).");
        codes.MapGet("/", List).WithSummary("Filter, sort and page promo codes: all (admin), created (owner), usable (customer).");
        codes.MapGet("/{code}", Get).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A promo code: its creator, its owner, admin.");
        codes.MapPut("/{code}", Update).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Replace a promo code's terms (its creator, admin); its restaurant stays.");
        codes.MapDelete("/{code}", Delete).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Delete a promo code (its creator, admin).");
        codes.MapPost("/{code}/validate", Validate)
            .WithSummary("Can the caller use this code now (at ?restaurantId= when given)? With the reason when not.");
    }

    private static async Task<Results<Created<PromoCodeView>, ValidationProblem, ProblemHttpResult>> Create(
        PromoCodeRequest request, ClaimsPrincipal caller, [AsParameters] PromoCodeServices services, CancellationToken cancellationToken)
    {
        var now = PromoCodeRules.Microseconds(services.Clock.GetUtcNow().UtcDateTime);
        var (restaurantId, invalid) = await CheckTermsAsync(request, caller, services.Users, now, forCreate: true, cancellationToken);
        if (invalid is not null)
            return invalid;
        var attempts = request.Code is null ? 3 : 1; // a generated code may (very rarely) collide: draw again
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var promo = new PromoCode(
                PromoCodeRules.Normalize(request.Code ?? PromoCodeRules.Generate()), request.OwnerId!, caller.Id(), restaurantId,
                request.DiscountPercentage!.Value, PromoCodeRules.Microseconds(request.ExpiresAt!.Value), request.Description!.Trim(),
                request.MaxRedemptions, 0, now, now);
            if (await services.Store.CreateAsync(promo, cancellationToken))
                return TypedResults.Created($"/promo-codes/{promo.Code}", PromoCodeView.From(promo));
        }
        return Problems.Conflict("A promo code with this code already exists.");
    }

    private static async Task<Results<Ok<Page<PromoCodeView>>, ValidationProblem>> List(
        [AsParameters] PromoCodeListQuery query, ClaimsPrincipal caller, [AsParameters] PromoCodeServices services, CancellationToken cancellationToken)
    {
        var filter = caller.IsAdmin() ? query.ToFilter(null, null)
            : caller.IsInRole(Roles.Owner) ? query.ToFilter(caller.Id(), null)
            : query.ToFilter(null, caller.Id());
        var scope = query.Scope(filter);
        if (!services.Cursors.TryAfter(scope, query.Cursor, out var position))
            return Paging.InvalidCursor();
        var after = position is null ? null : PromoPosition.Parse(position, filter.Sort);
        if (position is not null && after is null)
            return Paging.InvalidCursor();
        var limit = PageLimit.Parse(query.Limit);
        var rows = await services.Store.ListAsync(filter, after, limit + 1, services.Clock.GetUtcNow().UtcDateTime, cancellationToken);
        return TypedResults.Ok(services.Cursors.ToPage(scope, rows, limit, PromoCodeView.From, c => PromoPosition.Of(c, filter.Sort).Format()));
    }

    private static async Task<Results<Ok<PromoCodeView>, ProblemHttpResult>> Get(
        string code, ClaimsPrincipal caller, [AsParameters] PromoCodeServices services, CancellationToken cancellationToken) =>
        await FindVisibleAsync(code, caller, services.Store, cancellationToken) is { } promo
            ? TypedResults.Ok(PromoCodeView.From(promo))
            : Problems.NotFound("No such promo code.");

    private static async Task<Results<Ok<PromoCodeView>, ValidationProblem, ProblemHttpResult>> Update(
        string code, PromoCodeRequest request, ClaimsPrincipal caller, [AsParameters] PromoCodeServices services, CancellationToken cancellationToken)
    {
        var (current, refusal) = await FindManagedAsync(code, caller, services.Store, cancellationToken);
        if (current is null)
            return refusal!;
        var now = PromoCodeRules.Microseconds(services.Clock.GetUtcNow().UtcDateTime);
        if ((await CheckTermsAsync(request, caller, services.Users, now, forCreate: false, cancellationToken)).Invalid is { } invalid)
            return invalid;
        var updated = current with
        {
            OwnerId = request.OwnerId!,
            DiscountPercentage = request.DiscountPercentage!.Value,
            ExpiresAt = PromoCodeRules.Microseconds(request.ExpiresAt!.Value),
            Description = request.Description!.Trim(),
            MaxRedemptions = request.MaxRedemptions,
            UpdatedAt = now,
        };
        if (await services.Store.UpdateAsync(updated, cancellationToken))
            return TypedResults.Ok(PromoCodeView.From(await services.Store.FindAsync(current.Code, null, cancellationToken) ?? updated));
        return await services.Store.FindAsync(current.Code, null, cancellationToken) is { } latest
            ? Problems.Conflict($"maxRedemptions cannot be below the {latest.Redemptions} redemptions already made.")
            : Problems.NotFound("No such promo code.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string code, ClaimsPrincipal caller, [AsParameters] PromoCodeServices services, CancellationToken cancellationToken)
    {
        var (current, refusal) = await FindManagedAsync(code, caller, services.Store, cancellationToken);
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
    /// The terms checks that need the database, the clock or the caller: the owner exists, the expiry is ahead, and (on
    /// create) where the code may be used — an owner's codes are its own restaurant's; an admin names a restaurant or none.
    /// </summary>
    private static async Task<(string? RestaurantId, ValidationProblem? Invalid)> CheckTermsAsync(
        PromoCodeRequest request, ClaimsPrincipal caller, IUserStore users, DateTime now, bool forCreate, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.ExpiresAt!.Value.ToUniversalTime() <= now)
            errors.Add("expiresAt", "Must be in the future.");
        if (await users.FindAsync(request.OwnerId!, cancellationToken) is null)
            errors.Add("ownerId", "No such user.");
        string? restaurantId = null;
        if (forCreate && !caller.IsAdmin())
        {
            restaurantId = caller.Id();
            if (request.RestaurantId is { } named && named.Trim() != restaurantId)
                errors.Add("restaurantId", "An owner issues codes for its own restaurant only.");
        }
        else if (forCreate && request.RestaurantId is { } named)
        {
            restaurantId = named.Trim();
            if (await users.FindAsync(restaurantId, cancellationToken) is not { Role: Roles.Owner })
                errors.Add("restaurantId", "No such restaurant.");
        }
        return errors.IsEmpty ? (restaurantId, null) : (null, Problems.Validation(errors));
    }

    /// <summary>The code when the caller may see it (its creator, its owner, an admin): the store's query decides.</summary>
    private static Task<PromoCode?> FindVisibleAsync(string code, ClaimsPrincipal caller, IPromoCodeStore store, CancellationToken cancellationToken)
    {
        var normalized = PromoCodeRules.Normalize(code);
        return PromoCodeRules.IsWellFormed(normalized)
            ? store.FindAsync(normalized, caller.IsAdmin() ? null : caller.Id(), cancellationToken)
            : Task.FromResult<PromoCode?>(null);
    }

    /// <summary>The code when the caller may change it (its creator, an admin): its owner gets 403, anyone else 404.</summary>
    private static async Task<(PromoCode? Promo, ProblemHttpResult? Refusal)> FindManagedAsync(
        string code, ClaimsPrincipal caller, IPromoCodeStore store, CancellationToken cancellationToken)
    {
        if (await FindVisibleAsync(code, caller, store, cancellationToken) is not { } promo)
            return (null, Problems.NotFound("No such promo code."));
        return caller.IsAdmin() || promo.CreatedBy == caller.Id()
            ? (promo, null)
            : (null, Problems.Forbidden("Only the code's creator or an admin can change it."));
    }
}
