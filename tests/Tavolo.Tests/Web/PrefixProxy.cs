using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tavolo.Tests.Web;

/// <summary>
/// A reverse proxy on 127.0.0.1 that serves Tavolo under a path, as API Gateway's stage URL does
/// (<c>https://…/Prod/host</c> reaches the function as <c>/host</c>): requests under the prefix go to the upstream
/// without it, anything else gets API Gateway's 403. Responses stream through (the pages' live updates).
/// </summary>
public sealed class PrefixProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Host" };

    private readonly WebApplication _app;
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    public PrefixProxy(string prefix = "/Prod")
    {
        Prefix = prefix;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(ForwardAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        Origin = _app.Urls.Single().TrimEnd('/');
    }

    public string Prefix { get; }

    /// <summary>http://127.0.0.1:port, without the prefix.</summary>
    public string Origin { get; }

    /// <summary>Where the prefix leads: Tavolo's own address (set once it listens).</summary>
    public Uri? Upstream { get; set; }

    private async Task ForwardAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (Upstream is null || !(path == Prefix || path.StartsWith(Prefix + "/", StringComparison.Ordinal)))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new { message = "Missing Authentication Token" });
            return;
        }
        var rest = path[Prefix.Length..] is { Length: > 0 } r ? r : "/";
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(Upstream, rest + context.Request.QueryString));
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            request.Content = new StreamContent(context.Request.Body);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name))
                continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
                context.Response.Headers[name] = values.ToArray();
        }
        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        var buffer = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted); // events as they come
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _client.Dispose();
    }
}

/// <summary>Tavolo behind a <see cref="PrefixProxy"/> at <c>/Prod</c>, its public URL the proxy's (as <c>PublicBaseUrl</c> is the stage's URL on AWS).</summary>
public class PrefixedTavoloApp : TavoloApp
{
    public PrefixedTavoloApp()
    {
        Proxy.Upstream = Anonymous().BaseAddress; // the app listens now
    }

    // A field initializer runs before the base constructor, which starts the app with the proxy's URL among its settings.
    public PrefixProxy Proxy { get; } = new();

    /// <summary>The public URL: the proxy and its prefix.</summary>
    public string PublicUrl => Proxy.Origin + Proxy.Prefix;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Tavolo:PublicBaseUrl"] = PublicUrl };

    /// <summary>A client of the public URL: relative paths given to it ("auth/login") are under the prefix.</summary>
    public HttpClient Public() => new() { BaseAddress = new Uri(PublicUrl + "/") };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Proxy.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }
}
