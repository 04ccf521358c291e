using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tavolo.Auth;
using Tavolo.Platform;
using Tavolo.Storage.Postgres;

namespace Tavolo.Tests.Platform;

/// <summary>
/// <c>Tavolo__Secrets__Store=ssm</c>: the secrets a process is given names of are read once at start-up, from a
/// stand-in for Parameter Store here (on AWS, Secrets Manager secrets through Parameter Store's references), and
/// nothing is read where the store is not named (the local default: the files beside the database).
/// </summary>
public sealed class StartupSecretsTests : IDisposable
{
    private const string KeysName = "/aws/reference/secretsmanager/tavolo/signing-keys";
    private const string SecretName = "/aws/reference/secretsmanager/tavolo/server-secret";
    private const string DatabaseName = "/aws/reference/secretsmanager/tavolo-prod/database";

    private readonly string _folder = Directory.CreateTempSubdirectory("tavolo-secrets-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A key ring as Tavolo writes one (data/signing-keys.json), made in a folder of its own.</summary>
    private string NewKeyRing()
    {
        var path = Path.Combine(_folder, "ring", "signing-keys.json");
        var options = new TavoloOptions();
        options.Auth.SigningKeyPath = path;
        _ = new SigningKeys(Options.Create(options));
        return File.ReadAllText(path);
    }

    /// <summary>
    /// What a start with these settings does to the configuration: the failures are read here, not through the app,
    /// since Program reports a failed start as two lines and an exit code (StartupFailures), not as an exception.
    /// </summary>
    private static Exception FailedStart(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(settings);
        return Assert.ThrowsAny<Exception>(() => configuration.AddTavoloSecrets());
    }

    private WebApplicationFactory<Program> App(IDictionary<string, string?> settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Tavolo:Sqlite:Path", Path.Combine(_folder, "data", "t.db"));
            foreach (var (key, value) in settings)
                b.UseSetting(key, value);
        });

    [Fact]
    public async Task The_named_secrets_are_read_in_one_signed_call_and_used()
    {
        var ring = NewKeyRing();
        var kid = (string)JsonNode.Parse(ring)!["keys"]![0]!["kid"]!;
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var store = new SecretStoreStandIn(new Dictionary<string, string>
        {
            [KeysName] = ring,
            [SecretName] = secret,
            [DatabaseName] = """{"username":"tavolo","password":"p4ss;word"}""",
        });
        using var app = App(new Dictionary<string, string?>
        {
            ["Tavolo:Secrets:Store"] = "ssm",
            ["Tavolo:Secrets:ServiceUrl"] = store.Url,
            ["Tavolo:Secrets:Names:Auth:SigningKeys"] = KeysName,
            ["Tavolo:Secrets:Names:Secret"] = SecretName,
            ["Tavolo:Secrets:Names:PromoCodes:Password"] = DatabaseName + "#password",
            ["Tavolo:PromoCodes:ConnectionString"] = "Host=db.invalid;Database=tavolo;Username=tavolo",
        });
        using var client = app.CreateClient();

        var jwks = JsonNode.Parse(await client.GetStringAsync("/.well-known/jwks.json"))!;
        Assert.Equal(kid, (string)jwks["keys"]![0]!["kid"]!); // the ring from the store, not a new one
        Assert.False(File.Exists(Path.Combine(_folder, "data", "signing-keys.json")), "a key ring was made beside the database");
        var configuration = app.Services.GetRequiredService<IConfiguration>();
        Assert.Equal(secret, configuration["Tavolo:Secret"]);
        var options = app.Services.GetRequiredService<IOptions<TavoloOptions>>().Value;
        Assert.Equal("p4ss;word", options.PromoCodes.Password); // one field of a JSON secret
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(PostgresDatabase.ConnectionString(options.PromoCodes));
        Assert.Equal(("tavolo", "p4ss;word", "db.invalid"), (connection.Username, connection.Password, connection.Host));
        // And the app, started on them, serves.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

        var call = Assert.Single(store.Calls); // one round trip for every secret
        Assert.Equal("AmazonSSM.GetParameters", call.Target);
        Assert.StartsWith("AWS4-HMAC-SHA256 ", call.Authorization, StringComparison.Ordinal); // signed as AWS would demand
        Assert.True((bool)call.Body["WithDecryption"]!);
        Assert.Equal(new[] { DatabaseName, KeysName, SecretName }.Order(), call.Body["Names"]!.AsArray().Select(n => (string)n!).Order());
    }

    [Fact]
    public async Task A_secret_the_store_does_not_have_stops_the_start_naming_it_and_no_value()
    {
        await using var store = new SecretStoreStandIn(new Dictionary<string, string> { [SecretName] = "c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw==" });
        var error = FailedStart(new Dictionary<string, string?>
        {
            ["Tavolo:Secrets:Store"] = "ssm",
            ["Tavolo:Secrets:ServiceUrl"] = store.Url,
            ["Tavolo:Secrets:Names:Auth:SigningKeys"] = KeysName,
            ["Tavolo:Secrets:Names:Secret"] = SecretName,
        });
        var message = error.ToString();
        Assert.Contains(KeysName, message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_JSON_field_the_secret_lacks_stops_the_start_without_showing_the_secret()
    {
        await using var store = new SecretStoreStandIn(new Dictionary<string, string> { [DatabaseName] = """{"username":"tavolo","pass":"hunter2-not-shown"}""" });
        var message = FailedStart(new Dictionary<string, string?>
        {
            ["Tavolo:Secrets:Store"] = "ssm",
            ["Tavolo:Secrets:ServiceUrl"] = store.Url,
            ["Tavolo:Secrets:Names:PromoCodes:Password"] = DatabaseName + "#password",
        }).ToString();
        Assert.Contains("'password'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_store_nothing_is_read_and_the_local_files_serve()
    {
        // Names given but no store (the local default): no call is made, today's files are used.
        using var app = App(new Dictionary<string, string?> { ["Tavolo:Secrets:Names:Secret"] = SecretName });
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/.well-known/jwks.json")).StatusCode);
        Assert.True(File.Exists(Path.Combine(_folder, "data", "signing-keys.json")));
        Assert.Null(app.Services.GetRequiredService<IConfiguration>()["Tavolo:Secret"]);
    }

    [Fact]
    public void An_unknown_store_stops_the_start()
    {
        Assert.Contains("Tavolo__Secrets__Store", FailedStart(new Dictionary<string, string?> { ["Tavolo:Secrets:Store"] = "vault" }).ToString(), StringComparison.Ordinal);
    }
}
