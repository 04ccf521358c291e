using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Tavolo.Tests.Platform;

public sealed class PlatformTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Fact]
    public async Task Health_reports_ok_with_version_and_backends()
    {
        using var client = app.Anonymous();
        var health = await (await client.GetAsync("/health")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("ok", (string)health["status"]!);
        Assert.Equal(TavoloApp.Storage, (string)health["storage"]!);
        Assert.Equal(TavoloApp.Queue, (string)health["queue"]!);
        Assert.Matches(@"^\d+\.\d+\.\d+", (string)health["version"]!);
    }

    [Fact]
    public async Task Every_response_carries_a_request_id_and_echoes_the_callers()
    {
        using var client = app.Anonymous();
        var generated = await client.GetAsync("/health");
        Assert.False(string.IsNullOrEmpty(generated.Headers.GetValues("X-Request-Id").Single()));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-route");
        request.Headers.Add("X-Request-Id", "trace-me-123");
        var echoed = await client.SendAsync(request);
        Assert.Equal("trace-me-123", echoed.Headers.GetValues("X-Request-Id").Single());
        var problem = await echoed.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("trace-me-123", (string)problem["requestId"]!);
    }

    [Fact]
    public async Task A_request_id_that_is_not_sane_is_replaced()
    {
        using var client = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.TryAddWithoutValidation("X-Request-Id", new string('x', 500));
        var response = await client.SendAsync(request);
        Assert.NotEqual(new string('x', 500), response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_are_problems()
    {
        using var client = app.Anonymous();
        await (await client.GetAsync("/nothing/here")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync("/health")).AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Theory]
    [InlineData("{\"email\": ", "application/json", HttpStatusCode.BadRequest)]         // malformed JSON
    [InlineData("", "application/json", HttpStatusCode.BadRequest)]                      // no body at all
    [InlineData("[1, 2]", "application/json", HttpStatusCode.BadRequest)]                // JSON, but not an object
    [InlineData("email=a", "text/plain", HttpStatusCode.UnsupportedMediaType)]           // not JSON
    public async Task A_body_that_cannot_be_read_is_a_problem(string body, string mediaType, HttpStatusCode status)
    {
        using var client = app.Anonymous();
        var response = await client.PostAsync("/auth/login", HttpAssertions.Json(body, mediaType));
        await response.AssertProblemAsync(status);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_the_field()
    {
        using var client = app.Anonymous();
        var response = await client.PostAsync("/auth/login", HttpAssertions.Json("""{"email": 42, "password": "x"}"""));
        await response.AssertFieldErrorAsync("email");
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_413_and_creates_nothing()
    {
        using var client = app.Anonymous();
        var email = TavoloApp.NewEmail();
        var huge = new { email, password = "a-long-enough-pass-7", name = new string('n', 70 * 1024) };
        var response = await client.PostAsJsonAsync("/auth/register", huge);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        var login = await client.PostAsJsonAsync("/auth/login", new { email, password = "a-long-enough-pass-7" });
        await login.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route()
    {
        using var client = app.Anonymous();
        var document = await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var paths = document!["paths"]!.AsObject();
        string[] expected =
        [
            "/auth/register", "/auth/login", "/auth/refresh", "/auth/logout", "/auth/sessions", "/auth/sessions/{id}",
            "/.well-known/jwks.json", "/.well-known/openid-configuration", "/users/me", "/users", "/users/{id}", "/health",
        ];
        foreach (var path in expected)
            Assert.True(paths.ContainsKey(path), $"{path} is missing from the OpenAPI document");

        var login = paths["/auth/login"]!["post"]!;
        Assert.NotNull(login["requestBody"]);
        Assert.NotNull(login["responses"]!["200"]);
        Assert.NotNull(login["responses"]!["401"]);
        var me = paths["/users/me"]!["get"]!;
        Assert.NotNull(me["security"]);
        Assert.NotNull(me["responses"]!["401"]);
        Assert.NotNull(document["components"]!["securitySchemes"]!["Bearer"]);
    }

    [Fact]
    public async Task The_docs_page_serves_the_interactive_reference()
    {
        using var client = app.Anonymous();
        var response = await client.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("<script type=\"module\" src=\"/app/docs/reference.js\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", await client.GetStringAsync("/app/docs/reference.js"), StringComparison.Ordinal); // the reference reads the document
        var script = await client.GetAsync("/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode); // served by the app itself, no CDN
    }
}

#if AWS_BACKENDS
/// <summary>One Lambda function's process: it serves users only, with no promo-code database configured at all.</summary>
public sealed class UsersFunctionApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:Modules"] = "users",
        ["Tavolo:Hosting"] = "lambda",
        ["Tavolo:PromoCodes:ConnectionString"] = null,
    };
}

public sealed class OneFunctionTests(UsersFunctionApp app) : IClassFixture<UsersFunctionApp>
{
    [Fact]
    public async Task A_function_is_healthy_with_only_the_backends_its_module_uses()
    {
        using var client = app.Anonymous();
        var health = await (await client.GetAsync("/health")).ReadJsonAsync(HttpStatusCode.OK); // the Web Adapter's readiness check
        Assert.Equal("ok", (string)health["status"]!);
        await (await client.GetAsync("/orders")).AssertProblemAsync(HttpStatusCode.NotFound); // not this function's routes
        await (await client.GetAsync("/auth/login")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized); // its own routes are there
    }
}
#endif
