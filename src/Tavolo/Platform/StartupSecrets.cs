using System.Text.Json;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Tavolo.Storage.Aws;

namespace Tavolo.Platform;

/// <summary>
/// Secrets read once at start-up from the store <c>Tavolo__Secrets__Store</c> names, into configuration, so that the
/// code reads them where it reads any setting (<c>Tavolo:Auth:SigningKeys</c>, <c>Tavolo:Secret</c>...).
/// <list type="bullet">
/// <item>unset or <c>none</c> (the local default): nothing is read; the files beside the database and the environment, as before.</item>
/// <item><c>ssm</c>: AWS Systems Manager Parameter Store, one <c>GetParameters</c> call (decrypted) for every secret the
/// process is given. A name under <c>/aws/reference/secretsmanager/</c> reads a Secrets Manager secret through it.</item>
/// </list>
/// Each <c>Tavolo__Secrets__Names__&lt;Setting&gt;</c> names the parameter for the setting <c>Tavolo__&lt;Setting&gt;</c>, e.g.
/// <c>Tavolo__Secrets__Names__Auth__SigningKeys=/aws/reference/secretsmanager/tavolo/signing-keys</c>; a <c>#field</c>
/// suffix takes that field of a JSON secret (<c>…/database#password</c>). A secret that cannot be read fails the
/// start, naming the parameter, never a value. <c>Tavolo__Secrets__ServiceUrl</c> points at a stand-in (tests).
/// </summary>
public static class StartupSecrets
{
    public const string Section = "Tavolo:Secrets";

    /// <summary>GetParameters takes at most ten names a call.</summary>
    private const int NamesPerCall = 10;

    public static IConfigurationBuilder AddTavoloSecrets(this IConfigurationManager configuration)
    {
        var store = configuration[$"{Section}:Store"];
        if (string.IsNullOrWhiteSpace(store) || store.Equals("none", StringComparison.OrdinalIgnoreCase))
            return configuration;
        if (!store.Equals("ssm", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Tavolo__Secrets__Store is '{store}': it may be none (the default) or ssm.");
        var wanted = configuration.GetSection($"{Section}:Names").AsEnumerable(makePathsRelative: true)
            .Where(e => !string.IsNullOrWhiteSpace(e.Value))
            .Select(e => (Setting: $"{TavoloOptions.Section}:{e.Key}", Reference: Parse(e.Value!)))
            .ToList();
        if (wanted.Count == 0)
            return configuration;
        var values = ReadAsync(wanted.Select(w => w.Reference.Name).Distinct().ToList(), configuration[$"{Section}:ServiceUrl"]).GetAwaiter().GetResult();
        var settings = wanted.ToDictionary(w => w.Setting, w => (string?)Value(values[w.Reference.Name], w.Reference));
        return configuration.AddInMemoryCollection(settings); // added last: wins over the environment
    }

    private sealed record Reference(string Name, string? Field);

    private static Reference Parse(string value) =>
        value.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? new(value[..hash], value[(hash + 1)..]) : new(value, null);

    private static string Value(string secret, Reference reference)
    {
        if (reference.Field is null)
            return secret;
        try
        {
            using var json = JsonDocument.Parse(secret);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(reference.Field, out var field) && field.ValueKind == JsonValueKind.String)
                return field.GetString()!;
        }
        catch (JsonException)
        {
        }
        throw new InvalidOperationException($"The secret {reference.Name} is not a JSON object with the string field '{reference.Field}'.");
    }

    private static async Task<Dictionary<string, string>> ReadAsync(List<string> names, string? serviceUrl)
    {
        var config = AwsClients.Configure(new AmazonSimpleSystemsManagementConfig(), serviceUrl);
        using var client = AwsClients.EmulatorCredentials(serviceUrl) is { } credentials
            ? new AmazonSimpleSystemsManagementClient(credentials, config)
            : new AmazonSimpleSystemsManagementClient(config);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var chunk in names.Chunk(NamesPerCall))
        {
            var response = await client.GetParametersAsync(new GetParametersRequest { Names = [.. chunk], WithDecryption = true });
            foreach (var parameter in response.Parameters ?? [])
                values[parameter.Name] = parameter.Value;
            missing.AddRange(response.InvalidParameters ?? []);
        }
        missing.AddRange(names.Where(n => !values.ContainsKey(n) && !missing.Contains(n)));
        if (missing.Count > 0)
            throw new InvalidOperationException($"Tavolo__Secrets__Store=ssm: no readable parameter {string.Join(", ", missing)} (missing, or this role may not read it).");
        return values;
    }
}
