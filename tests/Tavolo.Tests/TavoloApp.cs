using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Tavolo.Tests;

/// <summary>
/// The real app on Kestrel (real HTTP on 127.0.0.1) over a real SQLite file in a fresh temp folder, with a
/// clock the tests can move. One per test class; each test makes its own users, so tests never share state.
/// </summary>
public class TavoloApp : WebApplicationFactory<Program>
{
    public TavoloApp()
    {
        // Not UseKestrel(0): that rewrites the server's address list after the app's own thread may already have
        // started Kestrel, and then throws (dotnet/aspnetcore#67714). An endpoint given to Kestrel is not raced.
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
    }

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("tavolo-test-").FullName;

    /// <summary>Starts at the real time, so tokens minted here are also valid for code that reads the real clock.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

#if AWS_BACKENDS
    public const string Storage = "dynamodb";
    public const string Queue = "sqs";
#else
    public const string Storage = "sqlite";
    public const string Queue = "sqlite";
#endif

    public const string AdminEmail = "root@tavolo.test";
    public const string AdminPassword = "bootstrap-admin-pass-1";

    /// <summary>False: the app runs on the real clock (for tests of background work that waits in real time).</summary>
    protected virtual bool UseFakeClock => true;

    /// <summary>Settings a subclass may change (e.g. throttling limits).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tavolo:Sqlite:Path"] = Path.Combine(DataDirectory, "tavolo.db"),
            ["Tavolo:Auth:PasswordIterations"] = "1000", // the production cost is checked in StartupTests
            ["Tavolo:RateLimits:PerAddressPerMinute"] = "100000",
            ["Tavolo:Auth:LoginMaxFailuresPerAddress"] = "100000",
            ["Tavolo:Bootstrap:AdminEmail"] = AdminEmail,
            ["Tavolo:Bootstrap:AdminPassword"] = AdminPassword,
        };
#if AWS_BACKENDS
        // The same tests on the AWS home: DynamoDB, SQS and PostgreSQL servers on 127.0.0.1, fresh tables, queue and database per app.
        var suffix = Guid.NewGuid().ToString("N")[..10];
        settings["Tavolo:Storage"] = "dynamodb";
        settings["Tavolo:Queue"] = "sqs";
        settings["Tavolo:PromoCodes:Storage"] = "postgres";
        settings["Tavolo:Aws:CreateResources"] = "true";
        settings["Tavolo:DynamoDb:ServiceUrl"] = Emulators.DynamoDbAsync().GetAwaiter().GetResult();
        settings["Tavolo:DynamoDb:TablePrefix"] = $"t{suffix}-";
        settings["Tavolo:Sqs:ServiceUrl"] = Emulators.SqsAsync().GetAwaiter().GetResult();
        settings["Tavolo:Sqs:QueueName"] = $"t{suffix}";
        settings["Tavolo:PromoCodes:ConnectionString"] = Emulators.NewPostgresDatabaseAsync().GetAwaiter().GetResult();
#endif
        foreach (var (key, value) in Settings)
            settings[key] = value;
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        if (UseFakeClock)
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public HttpClient Anonymous() => CreateClient();

    public HttpClient As(string accessToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public static string NewEmail(string who = "user") => $"{who}-{Guid.NewGuid():N}@example.com";

    /// <summary>Registers and logs in a fresh user of the given kind.</summary>
    public async Task<TestUser> NewUserAsync(string accountType = "customer")
    {
        var email = NewEmail(accountType);
        const string password = "a-long-enough-pass-7";
        using var client = Anonymous();
        var created = await client.PostAsJsonAsync("/auth/register", new { email, password, name = "Test " + accountType, accountType });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var user = await created.Content.ReadFromJsonAsync<JsonObject>();
        var tokens = await LoginAsync(email, password);
        return new TestUser((string)user!["id"]!, email, password, tokens, this);
    }

    public async Task<TestUser> AdminAsync()
    {
        var tokens = await LoginAsync(AdminEmail, AdminPassword);
        using var client = As((string)tokens["accessToken"]!);
        var me = await client.GetFromJsonAsync<JsonObject>("/users/me");
        return new TestUser((string)me!["id"]!, AdminEmail, AdminPassword, tokens, this);
    }

    public async Task<JsonObject> LoginAsync(string email, string password)
    {
        using var client = Anonymous();
        var response = await client.PostAsJsonAsync("/auth/login", new { email, password });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A signed-in user of a test.</summary>
public sealed record TestUser(string Id, string Email, string Password, JsonObject Tokens, TavoloApp App)
{
    public string AccessToken => (string)Tokens["accessToken"]!;

    public string RefreshToken => (string)Tokens["refreshToken"]!;

    public HttpClient Client() => App.As(AccessToken);
}

public static class HttpAssertions
{
    /// <summary>Asserts the status and that the body is an RFC 9457 problem with that status; returns it.</summary>
    public static async Task<JsonObject> AssertProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        return problem;
    }

    /// <summary>Asserts a 400 validation problem that names <paramref name="field"/>.</summary>
    public static async Task<JsonObject> AssertFieldErrorAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.AssertProblemAsync(System.Net.HttpStatusCode.BadRequest);
        var errors = problem["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"No error for '{field}' in {problem.ToJsonString()}");
        return problem;
    }

    public static async Task<JsonObject> ReadJsonAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static StringContent Json(string raw, string mediaType = "application/json") =>
        new(raw, System.Text.Encoding.UTF8, mediaType);

    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
