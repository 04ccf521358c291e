using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Tavolo.Platform;

namespace Tavolo.Web;

/// <summary>
/// The browser app (shared/UI.md): each page path serves its HTML shell, the shell loads its ES modules and the one
/// stylesheet from <c>/app/…</c>, and all of it comes out of the binary (<see cref="WebAssets"/>) under a strict
/// Content-Security-Policy: this origin only, no inline script or style. Mapped on every process, like /docs.
/// </summary>
public static class WebModule
{
    /// <summary>Page path → its HTML file in <c>Web/app/</c>. A new page is a line here plus its .html and .js.</summary>
    public static readonly IReadOnlyList<(string Path, string File)> Pages =
    [
        ("/", "index.html"),
        ("/host", "host.html"),
        ("/w/{waitlistId}", "checkin.html"),
        ("/g/{guestToken}", "guest.html"),
        ("/restaurants", "restaurants.html"), // these three share their path with an API route: WebPagePolicy
        ("/restaurants/{restaurantId}", "restaurant.html"),
        ("/orders", "orders.html"),
        ("/menu", "menu.html"),
        ("/promo-codes", "promo-codes.html"),
        ("/account", "account.html"),
    ];

    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IServiceCollection AddWeb(this IServiceCollection services)
    {
        services.AddSingleton<WebAssets>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, WebPagePolicy>());
        return services;
    }

    public static IEndpointRouteBuilder MapWeb(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("").WithTags("Web").AllowAnonymous().ExcludeFromDescription();
        foreach (var (path, file) in Pages)
            web.MapGet(path, (HttpContext context, WebAssets assets) => Serve(context, assets.Find(file))).WithMetadata(new WebPageMetadata());
        web.MapGet("/app/{**file}", (string file, HttpContext context, WebAssets assets) => Serve(context, assets.Find(file)));
        web.MapGet("/w/{waitlistId}/qr.svg", QrCode);
        return app;
    }

    private static Results<FileContentHttpResult, StatusCodeHttpResult, NotFound> Serve(HttpContext context, WebAsset? asset)
    {
        if (asset is null)
            return TypedResults.NotFound();
        Secure(context.Response);
        // Not fingerprinted (modules import each other by plain name), so revalidate every time: a 304 costs no body.
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = asset.ETag;
        context.Response.Headers.Vary = "Accept, Sec-Fetch-Dest"; // a page path may also be an API path (WebPagePolicy)
        if (ETags.Matches(context.Request.Headers.IfNoneMatch, asset.ETag))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.File(asset.Content, asset.ContentType);
    }

    private static Results<ContentHttpResult, NotFound> QrCode(string waitlistId, HttpContext context, IOptions<TavoloOptions> options)
    {
        if (waitlistId.Length is 0 or > 64 || !waitlistId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return TypedResults.NotFound();
        var request = context.Request;
        var baseUrl = options.Value.PublicBaseUrl?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}";
        Secure(context.Response);
        context.Response.Headers.CacheControl = "public, max-age=86400";
        return TypedResults.Content(CheckInQrCode.Svg($"{baseUrl}/w/{waitlistId}"), "image/svg+xml");
    }

    /// <summary>The headers every page and asset carries.</summary>
    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer"; // /g/{guestToken} is a secret: never in a Referer
        response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
        response.Headers["Permissions-Policy"] = new StringValues("camera=(), microphone=(), geolocation=()");
    }
}
