using Microsoft.AspNetCore.Routing.Matching;

namespace Tavolo.Web;

/// <summary>Marks an endpoint as a web page (its HTML shell), for <see cref="WebPagePolicy"/>.</summary>
public sealed class WebPageMetadata;

/// <summary>
/// Some pages share their path with an API route (<c>/restaurants</c>, <c>/orders</c>, <c>/promo-codes</c>: shared/UI.md
/// and shared/API.md both bind them). Where a request matches both, a browser's navigation (it asks for
/// <c>text/html</c>) gets the page and everything else — the pages' own <c>fetch</c>es, which ask for JSON, curl,
/// other clients — gets the API. Where only one matches, nothing changes.
/// </summary>
public sealed class WebPagePolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    /// <summary>After the HTTP-method policy, so only GET candidates are left to choose between.</summary>
    public override int Order => 100;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<WebPageMetadata>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        bool pages = false, others = false;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i))
                continue;
            if (IsPage(candidates[i].Endpoint))
                pages = true;
            else
                others = true;
        }
        if (!pages || !others)
            return Task.CompletedTask;
        var wantsPage = WantsPage(httpContext.Request);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && IsPage(candidates[i].Endpoint) != wantsPage)
                candidates.SetValidity(i, false);
        }
        return Task.CompletedTask;
    }

    /// <summary>A browser loading a document: <c>Sec-Fetch-Dest: document</c>, or an Accept that names HTML.</summary>
    public static bool WantsPage(HttpRequest request) =>
        request.Headers["Sec-Fetch-Dest"] == "document"
        || request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    private static bool IsPage(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<WebPageMetadata>() is not null;
}
