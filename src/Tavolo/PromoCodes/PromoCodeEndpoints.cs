using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Tavolo.Auth;
using Tavolo.Idempotency;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.PromoCodes;

/// <summary>Promo codes: issued by owners and admins, used by the user they name, listed in a back office.</summary>
public static class PromoCodeEndpoints
{
    public static IServiceCollection AddPromoCodes(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(PromoCodesJson.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapPromoCodes(this IEndpointRouteBuilder app)
    {
        var codes = app.MapGroup("/promo-codes").WithTags("Promo codes").RequireAuthorization().WithValidation();
        codes.MapPost("/", Create).RequireAuthorization("staff").WithIdempotency<PromoCodeRequest>()
            .ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Issue a promo code (owner, admin).");
        codes.MapGet("/", List).WithSummary("Filter, sort and page promo codes: all (admin), created (owner), usable (customer).");
        codes.MapGet("/{code}", Get).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A promo code: its creator, its owner, admin.");
        codes.MapPut("/{code}", Update).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Replace a promo code's terms (its creator, admin).");
        codes.MapDelete("/{code}", Delete).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Delete a promo code (its creator, admin).");
        codes.MapPost("/{code}/validate", Validate).WithSummary("Can the caller use this code now? With the reason when not.");
        return app;
    }

    private static async Task<Results<Created<PromoCodeView>, ValidationProblem, ProblemHttpResult>> Create(
        PromoCodeRequest request, ClaimsPrincipal caller, IPromoCodeStore store, IUserStore users, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = PromoCodeRules.Microseconds(clock.GetUtcNow().UtcDateTime);
        if (await CheckTermsAsync(request, users, now, cancellationToken) is { } invalid)
            return invalid;
        var attempts = request.Code is null ? 3 : 1; // a generated code may (very rarely) collide: draw again
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var promo = new PromoCode(
                PromoCodeRules.Normalize(request.Code ?? PromoCodeRules.Generate()), request.OwnerId!, caller.Id(), request.DiscountPercentage!.Value,
                PromoCodeRules.Microseconds(request.ExpiresAt!.Value), request.Description!.Trim(), request.MaxRedemptions, 0, now, now);
            if (await store.CreateAsync(promo, cancellationToken))
                return TypedResults.Created($"/promo-codes/{promo.Code}", PromoCodeView.From(promo));
        }
        return Problems.Conflict("A promo code with this code already exists.");
    }

    private static async Task<Results<Ok<Page<PromoCodeView>>, ValidationProblem>> List(
        [AsParameters] PromoCodeListQuery query, ClaimsPrincipal caller, IPromoCodeStore store, Cursors cursors, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var filter = caller.IsAdmin() ? query.ToFilter(null, null)
            : caller.IsInRole(Roles.Owner) ? query.ToFilter(caller.Id(), null)
            : query.ToFilter(null, caller.Id());
        var scope = query.Scope(filter);
        if (!cursors.TryAfter(scope, query.Cursor, out var position))
            return Paging.InvalidCursor();
        var after = position is null ? null : PromoPosition.Parse(position, filter.Sort);
        if (position is not null && after is null)
            return Paging.InvalidCursor();
        var limit = PageLimit.Parse(query.Limit);
        var rows = await store.ListAsync(filter, after, limit + 1, clock.GetUtcNow().UtcDateTime, cancellationToken);
        return TypedResults.Ok(cursors.ToPage(scope, rows, limit, PromoCodeView.From, c => PromoPosition.Of(c, filter.Sort).Format()));
    }

    private static async Task<Results<Ok<PromoCodeView>, ProblemHttpResult>> Get(
        string code, ClaimsPrincipal caller, IPromoCodeStore store, CancellationToken cancellationToken) =>
        await FindVisibleAsync(code, caller, store, cancellationToken) is { } promo
            ? TypedResults.Ok(PromoCodeView.From(promo))
            : Problems.NotFound("No such promo code.");

    private static async Task<Results<Ok<PromoCodeView>, ValidationProblem, ProblemHttpResult>> Update(
        string code, PromoCodeRequest request, ClaimsPrincipal caller, IPromoCodeStore store, IUserStore users, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (current, refusal) = await FindManagedAsync(code, caller, store, cancellationToken);
        if (current is null)
            return refusal!;
        var now = PromoCodeRules.Microseconds(clock.GetUtcNow().UtcDateTime);
        if (await CheckTermsAsync(request, users, now, cancellationToken) is { } invalid)
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
        if (await store.UpdateAsync(updated, cancellationToken))
            return TypedResults.Ok(PromoCodeView.From(await store.FindAsync(current.Code, cancellationToken) ?? updated));
        return await store.FindAsync(current.Code, cancellationToken) is { } latest
            ? Problems.Conflict($"maxRedemptions cannot be below the {latest.Redemptions} redemptions already made.")
            : Problems.NotFound("No such promo code.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string code, ClaimsPrincipal caller, IPromoCodeStore store, CancellationToken cancellationToken)
    {
        var (current, refusal) = await FindManagedAsync(code, caller, store, cancellationToken);
        if (current is null)
            return refusal!;
        return await store.DeleteAsync(current.Code, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("No such promo code.");
    }

    private static async Task<Ok<ValidateResult>> Validate(
        string code, ClaimsPrincipal caller, IPromoCodeStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var normalized = PromoCodeRules.Normalize(code);
        var promo = PromoCodeRules.IsWellFormed(normalized) ? await store.FindAsync(normalized, cancellationToken) : null;
        var reason = promo is null ? PromoReason.NotFound : promo.RefusalFor(caller.Id(), clock.GetUtcNow().UtcDateTime);
        return TypedResults.Ok(new ValidateResult(normalized, reason is null, reason, reason is null ? promo!.DiscountPercentage : null));
    }

    /// <summary>The terms checks that need the database or the clock: the owner exists, the expiry is ahead.</summary>
    private static async Task<ValidationProblem?> CheckTermsAsync(PromoCodeRequest request, IUserStore users, DateTime now, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.ExpiresAt!.Value.ToUniversalTime() <= now)
            errors.Add("expiresAt", "Must be in the future.");
        if (await users.FindAsync(request.OwnerId!, cancellationToken) is null)
            errors.Add("ownerId", "No such user.");
        return errors.IsEmpty ? null : Problems.Validation(errors);
    }

    /// <summary>The code when the caller may see it (its creator, its owner, an admin); others get nothing, not even a yes.</summary>
    private static async Task<PromoCode?> FindVisibleAsync(string code, ClaimsPrincipal caller, IPromoCodeStore store, CancellationToken cancellationToken)
    {
        var normalized = PromoCodeRules.Normalize(code);
        if (!PromoCodeRules.IsWellFormed(normalized) || await store.FindAsync(normalized, cancellationToken) is not { } promo)
            return null;
        var me = caller.Id();
        return caller.IsAdmin() || promo.CreatedBy == me || promo.OwnerId == me ? promo : null;
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
