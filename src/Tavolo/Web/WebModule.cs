using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Tavolo.Platform;

namespace Tavolo.Web;

/// <summary>
/// The browser app (Web/README.md): each page path serves its HTML shell, the shell loads its ES modules and the one
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
        ("/menu", "menu.html"),
        ("/account", "account.html"),
        ("/team", "team.html"),
        ("/invite/{token}", "invite.html"),
    ];

    /// <summary>
    /// Pages whose path is also an API route (both contracts bind <c>/restaurants</c>, <c>/restaurants/{id}</c>,
    /// <c>/orders</c>, <c>/promo-codes</c>): not routes, but served by <see cref="UseSharedPages"/> to a browser's
    /// navigation only. A path may end in one <c>{parameter}</c> segment.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SharedPages = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["/restaurants"] = "restaurants.html",
        ["/restaurants/{restaurantId}"] = "restaurant.html",
        ["/orders"] = "orders.html",
        ["/promo-codes"] = "promo-codes.html",
    };

    /// <summary>The shared pages whose path ends in a parameter, by the path before it (<c>/restaurants</c> → restaurant.html).</summary>
    private static readonly Dictionary<string, string> SharedPagesByParent = SharedPages
        .Where(p => p.Key.EndsWith('}'))
        .ToDictionary(p => p.Key[..p.Key.LastIndexOf('/')], p => p.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The shared page a path is (its exact path, or its parent's with one last segment), or null.</summary>
    public static string? SharedPageFor(string path)
    {
        if (SharedPages.TryGetValue(path, out var file))
            return file;
        var slash = path.LastIndexOf('/');
        return slash > 0 && slash < path.Length - 1 && SharedPagesByParent.TryGetValue(path[..slash], out file) ? file : null;
    }

    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// <c>/docs</c>'s policy: scripts from this origin only, as the app's, but styles inline too — Scalar's reference
    /// sets its styles from its script — and images as data: URLs (its icons). Nothing from another origin.
    /// </summary>
    public const string DocsPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The /docs page (its HTML in <c>app/docs/</c>), under <see cref="DocsPolicy"/>.</summary>
    public static Results<FileContentHttpResult, StatusCodeHttpResult, NotFound> DocsPage(HttpContext context, WebAssets assets)
    {
        var result = Serve(context, assets.Find("docs/index.html"));
        context.Response.Headers.ContentSecurityPolicy = DocsPolicy;
        return result;
    }

    public static IServiceCollection AddWeb(this IServiceCollection services)
    {
        services.AddSingleton<WebAssets>();
        return services;
    }

    public static IEndpointRouteBuilder MapWeb(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("").WithTags("Web").AllowAnonymous().ExcludeFromDescription();
        foreach (var (path, file) in Pages)
            web.MapGet(path, (HttpContext context, WebAssets assets) => Serve(context, assets.Find(file)));
        web.MapGet("/app/{**file}", (string file, HttpContext context, WebAssets assets) => Serve(context, assets.Find(file)));
        web.MapGet("/w/{waitlistId}/qr.svg", QrCode);
        return app;
    }

    /// <summary>
    /// A GET of a shared path that a browser navigates to (<c>Sec-Fetch-Dest: document</c>, or an Accept naming
    /// <c>text/html</c>) gets the page; anything else — the pages' own fetches ask for JSON, curl, SDKs — goes on to
    /// the API. Before authentication, so a signed-out navigation gets the page (which then signs the person in).
    /// </summary>
    public static IApplicationBuilder UseSharedPages(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (SharedPageFor(request.Path.Value is { Length: > 1 } path ? path.TrimEnd('/') : "") is { } file)
        {
            // The page and the JSON share this URL: a cache must key on what the client asked for.
            context.Response.Headers.Vary = "Accept, Sec-Fetch-Dest";
            if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && WantsPage(request))
            {
                await Serve(context, context.RequestServices.GetRequiredService<WebAssets>().Find(file)).ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    });

    /// <summary>A browser's navigation (<c>Sec-Fetch-Dest: document</c>), or an Accept that takes <c>text/html</c> at a quality above 0.</summary>
    public static bool WantsPage(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Dest"] == "document")
            return true;
        foreach (var accept in request.Headers.Accept)
        {
            if (accept is null || !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
                continue;
            if (!MediaTypeHeaderValue.TryParseList([accept], out var types))
                continue;
            if (types.Any(t => t.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && (t.Quality ?? 1) > 0))
                return true;
        }
        return false;
    }

    private static Results<FileContentHttpResult, StatusCodeHttpResult, NotFound> Serve(HttpContext context, WebAsset? asset)
    {
        if (asset is null)
            return TypedResults.NotFound();
        Secure(context.Response);
        // Not fingerprinted (modules import each other by plain name), so revalidate every time: a 304 costs no body.
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = asset.ETag;
        context.Response.Headers.Vary = "Accept, Sec-Fetch-Dest"; // a page path may also be an API path (SharedPages)
        if (ETags.Matches(context.Request.Headers.IfNoneMatch, asset.ETag))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.File(asset.Content, asset.ContentType);
    }

    /// <summary>
    /// The check-in link as a QR code, always on <c>Tavolo__PublicBaseUrl</c> (else the local URL): never on the request's
    /// Host header, which a client chooses — a code for another host, cached for a day, would send guests elsewhere.
    /// </summary>
    private static Results<ContentHttpResult, NotFound> QrCode(string waitlistId, HttpContext context, IOptions<TavoloOptions> options)
    {
        if (waitlistId.Length is 0 or > 64 || !waitlistId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return TypedResults.NotFound();
        Secure(context.Response);
        context.Response.Headers.CacheControl = "public, max-age=86400";
        return TypedResults.Content(CheckInQrCode.Svg($"{options.Value.PublicUrl}/w/{waitlistId}"), "image/svg+xml");
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
