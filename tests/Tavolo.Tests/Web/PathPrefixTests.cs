using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Tavolo.Web;

namespace Tavolo.Tests.Web;

/// <summary>
/// The web app at API Gateway's stage URL (<c>https://…/Prod/</c>): behind a proxy that adds <c>/Prod</c>, every page
/// and everything it loads is found under the prefix, its scripts call the API under it, and nothing points at the root.
/// </summary>
public sealed partial class PathPrefixTests(PrefixedTavoloApp app) : IClassFixture<PrefixedTavoloApp>
{
    /// <summary>Each page path (one id where the path takes one) and whether it is only a page for a browser's navigation.</summary>
    private static IEnumerable<string> PagePaths() =>
        WebModule.Pages.Select(p => p.Path).Concat(WebModule.SharedPages.Keys).Select(p => Regex.Replace(p, "{[^}]+}", "some-id"));

    [Fact]
    public async Task Every_page_and_everything_it_loads_is_served_under_the_prefix()
    {
        using var client = app.Public();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html"); // a browser's navigation (shared paths are also API routes)
        var loaded = new HashSet<string>();
        foreach (var page in PagePaths())
        {
            var response = await client.GetAsync(page.TrimStart('/'));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{app.Proxy.Prefix}{page}: {(int)response.StatusCode}");
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains($"<meta name=\"tavolo-base\" content=\"{app.Proxy.Prefix}\">", html, StringComparison.Ordinal);
            var links = Links().Matches(html).Select(m => m.Groups["url"].Value).ToList();
            Assert.NotEmpty(links);
            // Nothing at the root (a link within the page, "#id", stays on the page and its prefix).
            Assert.All(links.Where(l => !l.StartsWith('#')), link => Assert.StartsWith(app.Proxy.Prefix + "/", link, StringComparison.Ordinal));
            loaded.UnionWith(links.Where(l => l.Contains("/app/", StringComparison.Ordinal)));
        }
        using var assets = new HttpClient();
        foreach (var asset in loaded)
            Assert.Equal(HttpStatusCode.OK, (await assets.GetAsync(app.Proxy.Origin + asset)).StatusCode);
        // What the modules import, relative to themselves, is there too.
        foreach (var module in new WebAssets().All.Where(a => a.Name.EndsWith(".js", StringComparison.Ordinal)))
            Assert.Equal(HttpStatusCode.OK, (await assets.GetAsync($"{app.PublicUrl}/app/{module.Name}")).StatusCode);
        // The root, outside the stage, is not the app (API Gateway answers 403 there).
        Assert.Equal(HttpStatusCode.Forbidden, (await assets.GetAsync(app.Proxy.Origin + "/app/app.css")).StatusCode);
    }

    [Fact]
    public async Task The_pages_scripts_reach_their_own_paths_only_through_the_base_path()
    {
        // Every fetch, navigation, link and history entry the scripts make goes through url() (js/base.js), which puts
        // the prefix in front; a root-absolute literal in one of those places would leave the stage.
        foreach (var module in new WebAssets().All.Where(a => a.Name.StartsWith("js/", StringComparison.Ordinal) && a.Name != "js/base.js"))
        {
            var code = System.Text.Encoding.UTF8.GetString(module.Content);
            foreach (Match m in RootAbsolute().Matches(code))
                Assert.Fail($"{module.Name}: {m.Value} is root-absolute; wrap it in url()");
        }
        using var client = app.Public();
        var email = TavoloApp.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("auth/register", new { email, password = "a-long-enough-pass-7", name = "P" })).StatusCode);
        var tokens = await (await client.PostAsJsonAsync("auth/login", new { email, password = "a-long-enough-pass-7" })).ReadJsonAsync(HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new("Bearer", (string)tokens["accessToken"]!);
        Assert.Equal(email, (string)(await (await client.GetAsync("users/me")).ReadJsonAsync(HttpStatusCode.OK))["email"]!);
    }

    [Fact]
    public async Task At_the_root_the_pages_are_as_they_were()
    {
        // No PublicBaseUrl path (a local run, a custom domain at its root): the files are served byte for byte.
        using var root = new TavoloApp();
        using var client = root.Anonymous();
        var html = await client.GetStringAsync("/");
        Assert.Equal(System.Text.Encoding.UTF8.GetString(new WebAssets().Find("index.html")!.Content), html);
        Assert.DoesNotContain("tavolo-base", html, StringComparison.Ordinal);
        Assert.Equal("/Prod", WebAssets.BasePathOf("https://abc.execute-api.eu-west-1.amazonaws.com/Prod/"));
        Assert.Equal("", WebAssets.BasePathOf("https://tavolo.example"));
        Assert.Equal("", WebAssets.BasePathOf(null));
    }

    [GeneratedRegex(@"\s(?:href|src)=""(?<url>[^""]*)""")]
    private static partial Regex Links();

    /// <summary>A string starting with "/" given to fetch, location.assign, href, src or history (not through url()).</summary>
    [GeneratedRegex(@"(?:fetch\(|location\.assign\(|location\.href\s*=|\.href\s*=|\.src\s*=|href:|replaceState\([^,]*,[^,]*,)\s*['`""]/")]
    private static partial Regex RootAbsolute();
}
