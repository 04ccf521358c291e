using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tavolo.Auth;
using Tavolo.Platform;

namespace Tavolo.Idempotency;

public sealed class IdempotencyOptions
{
    /// <summary>How long a finished request's response is replayed.</summary>
    public int ExpiryHours { get; set; } = 24;

    /// <summary>How long a request may run before a retry with its key may take over (a crashed request must not block the key).</summary>
    public int InFlightSeconds { get; set; } = 60;
}

/// <summary>
/// Makes a mutating route idempotent, like Powertools' idempotency utility: the key (the <c>Idempotency-Key</c> header,
/// or a field of the body) is scoped to the caller and the path; the first request claims it, a repeat with the same body
/// gets the stored response with <c>Idempotent-Replayed: true</c>, a different body <c>422</c>, and a repeat while the first
/// is still running <c>409</c>. Only successful (2xx) responses are kept; after a failure the key is free again.
/// A handler whose store can write its effect and the response in one unit of work finds the claim in
/// <see cref="IdempotencyScope"/> and stores the response itself (<see cref="IdempotencyScope.Stored"/>), which is then sent as stored.
/// A key taken from the body names the resource the request creates (<c>POST /orders</c>: its orderId), and that
/// resource is the record: it keeps the request's fingerprint and its handler answers a repeat (replay or <c>422</c>)
/// itself, for as long as it exists. For such a key the filter only holds it while the request runs (<c>409</c> for a
/// concurrent duplicate) and stores nothing (<see cref="IIdempotencyStore.TryHoldAsync"/>): on SQLite a key costs no
/// read and no write at all; the keys of the two kinds never meet.
/// </summary>
public sealed class IdempotencyFilter<TBody>(
    IIdempotencyStore store, IdempotencyOptions options, TimeProvider clock, JsonSerializerOptions json, Func<TBody, string?>? resourceKeyOf)
    : IEndpointFilter where TBody : class
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var body = context.Arguments.OfType<TBody>().FirstOrDefault();
        var header = http.Request.Headers[IdempotencyScope.KeyHeader].ToString();
        if (header.Length > 0 && (header.Length > 255 || header.Any(c => c is < '!' or > '~')))
            return Problems.Validation(IdempotencyScope.KeyHeader, "Must be 1 to 255 visible ASCII characters.");
        if (body is null)
            return await next(context);
        var now = clock.GetUtcNow().UtcDateTime;
        if (header.Length == 0)
        {
            // The resource compares requests itself: a hold has no fingerprint to keep.
            return resourceKeyOf?.Invoke(body) is { } resourceKey
                ? await HoldAsync(context, next, Claim(ResourceKey(http.User, http.Request.Path, resourceKey), "-", now), now)
                : await next(context);
        }

        var claim = Claim(Key(http.User, http.Request.Path, header), Fingerprint(http, body), now);

        if (await store.TryClaimAsync(claim, now, http.RequestAborted) is { } existing)
        {
            if (existing.Response is null)
                return InFlight(http, existing, now);
            return existing.Fingerprint == claim.Fingerprint
                ? new Replay(existing.Response)
                : TypedResults.Problem("This idempotency key was used with a different request.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var scope = new IdempotencyScope(claim);
        http.Features.Set(scope);
        try
        {
            return await RunAsync(context, next, claim, scope);
        }
        catch
        {
            // The request failed: a retry should run afresh (and a claim held in memory must not outlive its request).
            await store.ReleaseAsync(claim.Key, claim.LeaseToken, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Runs the handler while holding a resource's key; the resource itself answers repeats.</summary>
    private async ValueTask<object?> HoldAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, IdempotencyRecord claim, DateTime now)
    {
        var http = context.HttpContext;
        if (await store.TryHoldAsync(claim, now, http.RequestAborted) is { } holder)
            return InFlight(http, holder, now);
        try
        {
            return await next(context);
        }
        finally
        {
            await store.ReleaseAsync(claim.Key, claim.LeaseToken, CancellationToken.None);
        }
    }

    private static ProblemHttpResult InFlight(HttpContext http, IdempotencyRecord holder, DateTime now)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((holder.LeaseUntil - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problems.Conflict("A request with this idempotency key is still in progress; retry shortly.");
    }

    /// <summary>Runs the handler under the claim, and stores a successful answer for replays (or lets the key go).</summary>
    private async ValueTask<object?> RunAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, IdempotencyRecord claim, IdempotencyScope scope)
    {
        var http = context.HttpContext;
        var result = await next(context);
        if (result is not IResult outcome)
        {
            await store.ReleaseAsync(claim.Key, claim.LeaseToken, CancellationToken.None);
            return result;
        }
        if (scope.Stored is { } written)
        {
            store.Stored(claim);
            return new Replay(written, replayed: false); // written with the effect, in the same unit of work: send those bytes
        }

        // Run the result into a buffer to keep exactly what the client gets, then send it on.
        var response = http.Response;
        var original = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await outcome.ExecuteAsync(http);
        }
        finally
        {
            response.Body = original;
        }
        var bytes = buffer.ToArray();
        if (response.StatusCode is >= 200 and < 300)
        {
            var stored = new StoredResponse(response.StatusCode, response.ContentType, response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, bytes);
            await store.CompleteAsync(claim.Key, claim.LeaseToken, stored, CancellationToken.None);
        }
        else
        {
            await store.ReleaseAsync(claim.Key, claim.LeaseToken, CancellationToken.None);
        }
        response.ContentLength = bytes.Length;
        await original.WriteAsync(bytes, http.RequestAborted);
        return Results.Empty;
    }

    // The lease token names the request that holds the key and never leaves the server: unique, not secret, so the
    // request id's generator (no system call for random bytes) rather than Ids.New's.
    private IdempotencyRecord Claim(string key, string fingerprint, DateTime now) =>
        new(key, fingerprint, Ids.NewRequestId(), now.AddSeconds(options.InFlightSeconds), now.AddHours(options.ExpiryHours));

    private static string Key(ClaimsPrincipal caller, PathString path, string clientKey) =>
        $"{(caller.Identity?.IsAuthenticated == true ? caller.Id() : "-")}|{path}|{clientKey}";

    /// <summary>
    /// A resource's key, apart from the header's (whose keys have no space), so a hold never meets a header request's
    /// stored answer.
    /// </summary>
    internal static string ResourceKey(ClaimsPrincipal caller, PathString path, string resourceKey) => Key(caller, path, "resource " + resourceKey);

    /// <summary>SHA-256 of the body as bound (so formatting and field order do not matter) and the route values.</summary>
    private string Fingerprint(HttpContext http, TBody body)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, json.GetTypeInfo(typeof(TBody)));
        var method = Encoding.UTF8.GetBytes(http.Request.Method + " " + http.Request.Path + "\n");
        return Convert.ToHexStringLower(SHA256.HashData([.. method, .. bytes]));
    }

    /// <summary>A stored response: a replay (with <c>Idempotent-Replayed: true</c>), or the first answer as it was stored.</summary>
    private sealed class Replay(StoredResponse stored, bool replayed = true) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = stored.Status;
            response.ContentType = stored.ContentType;
            if (stored.Location is not null)
                response.Headers.Location = stored.Location;
            if (replayed)
                response.Headers[IdempotencyScope.ReplayedHeader] = "true";
            response.ContentLength = stored.Body.Length;
            await response.Body.WriteAsync(stored.Body, httpContext.RequestAborted);
        }
    }
}

public static class IdempotencyExtensions
{
    /// <summary>
    /// Opts a route into <see cref="IdempotencyFilter{TBody}"/>, keyed by the header or, when given, a body field that names
    /// the resource the request creates (whose handler then answers repeats itself: see the filter).
    /// </summary>
    public static RouteHandlerBuilder WithIdempotency<TBody>(this RouteHandlerBuilder builder, Func<TBody, string?>? resourceKeyOf = null)
        where TBody : class =>
        builder.AddEndpointFilterFactory((factory, next) =>
            {
                // Built once per route, its dependencies from the container: nothing is looked up per request.
                var services = factory.ApplicationServices;
                var filter = new IdempotencyFilter<TBody>(
                    services.GetRequiredService<IIdempotencyStore>(),
                    services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TavoloOptions>>().Value.Idempotency,
                    services.GetRequiredService<TimeProvider>(),
                    services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions,
                    resourceKeyOf);
                return invocation => filter.InvokeAsync(invocation, next);
            })
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
