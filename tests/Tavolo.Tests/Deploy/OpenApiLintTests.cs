using System.Text.Json.Nodes;

namespace Tavolo.Tests.Deploy;

/// <summary>
/// The OpenAPI document the app serves passes Redocly CLI's recommended rules with no error (the version pinned in
/// tools/redocly, installed from its lock file on first use), and every operation has what a generated client needs.
/// </summary>
public sealed class OpenApiLintTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private async Task<string> DocumentAsync()
    {
        using var client = app.Anonymous();
        return await client.GetStringAsync("/openapi/v1.json");
    }

    [FactWithTools("node npm bash")]
    public async Task Redocly_finds_no_error_in_the_document()
    {
        var file = Path.Combine(app.DataDirectory, "openapi.json");
        await File.WriteAllTextAsync(file, await DocumentAsync());
        var (exit, output) = await CommandLine.RunAsync(TimeSpan.FromMinutes(4), "bash", "tools/lint-openapi.sh", file);
        if (exit != 0)
            Assert.Fail(output);
        Assert.DoesNotContain(" error ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_operation_has_a_unique_operation_id_a_security_requirement_and_a_4xx()
    {
        var document = JsonNode.Parse(await DocumentAsync())!;
        var ids = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var id = (string?)operation!["operationId"];
                Assert.False(string.IsNullOrEmpty(id), $"{method} {path} has no operationId");
                ids.Add(id!);
                Assert.True(operation["security"] is JsonArray { Count: > 0 }, $"{method} {path} says nothing about security");
                // Whatever takes input or a token can be refused with a 4xx; a parameterless anonymous read (GET /health) has none to promise.
                var takesInput = operation["requestBody"] is not null || operation["parameters"] is JsonArray { Count: > 0 }
                    || operation["security"]!.ToJsonString() != "[{}]";
                if (takesInput)
                    Assert.True(operation["responses"]!.AsObject().Any(r => r.Key.StartsWith('4')), $"{method} {path} has no 4xx");
            }
        }
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(document["servers"]!.AsArray(), s => Assert.False(((string)s!["url"]!).EndsWith('/'), "a server URL ends with /"));
        Assert.All(document["tags"]!.AsArray(), t => Assert.False(string.IsNullOrEmpty((string?)t!["description"]), $"tag {t!["name"]} has no description"));
    }

    [Fact]
    public async Task Anonymous_routes_say_so_and_authenticated_ones_name_the_bearer_scheme()
    {
        var paths = JsonNode.Parse(await DocumentAsync())!["paths"]!;
        Assert.Equal("[{}]", paths["/auth/login"]!["post"]!["security"]!.ToJsonString());
        Assert.Equal("postAuthLogin", (string?)paths["/auth/login"]!["post"]!["operationId"]);
        var me = paths["/users/me"]!["get"]!["security"]!.AsArray();
        Assert.NotNull(Assert.Single(me)!["Bearer"]);
    }
}
