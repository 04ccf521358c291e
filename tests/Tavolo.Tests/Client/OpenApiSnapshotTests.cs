using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tavolo.Tests.Startup;

namespace Tavolo.Tests.Client;

/// <summary>
/// docs/openapi.json — what the generated client (<c>TavoloClient</c>) is built from — is exactly what the app serves at
/// /openapi/v1.json, so the client's story test proves the served document, not a stale copy.
/// </summary>
public sealed class OpenApiSnapshotTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private const string Refresh = "TAVOLO_UPDATE_OPENAPI";

    public static string SnapshotPath => Path.Combine(Repository.Root, "docs", "openapi.json");

    [Fact]
    public async Task The_committed_snapshot_is_the_served_document()
    {
        using var client = app.Anonymous();
        var served = Normalise(JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!);
        if (Environment.GetEnvironmentVariable(Refresh) == "1")
            await File.WriteAllTextAsync(SnapshotPath, Format(served));
        var committed = File.Exists(SnapshotPath) ? JsonNode.Parse(await File.ReadAllTextAsync(SnapshotPath)) : null;
        Assert.True(JsonNode.DeepEquals(served, committed),
            $"docs/openapi.json is not the document the app serves. Refresh it with tools/openapi-snapshot.sh "
            + $"({Refresh}=1 dotnet test tests/Tavolo.Tests --filter FullyQualifiedName~OpenApiSnapshotTests), review the diff and commit it.");
    }

    /// <summary>The served <c>servers</c> entry is the test host's random port: not part of the contract, so left out.</summary>
    public static JsonNode Normalise(JsonNode document)
    {
        document.AsObject().Remove("servers");
        return document;
    }

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Two-space indentation, LF line ends and a final newline, as .editorconfig asks of JSON files.</summary>
    public static string Format(JsonNode document) => document.ToJsonString(Pretty).ReplaceLineEndings("\n") + "\n";
}
