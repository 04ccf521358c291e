namespace Tavolo.Tests.Deploy;

/// <summary>deploy/smoke.sh — the stage's gate before production — walks its story against the real app here.</summary>
public sealed class SmokeScriptTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private string BaseUrl
    {
        get
        {
            using var client = app.Anonymous();
            return client.BaseAddress!.ToString().TrimEnd('/');
        }
    }

    [FactWithTools("bash curl jq")]
    public async Task The_smoke_script_passes_against_a_running_tavolo()
    {
        var (exit, output) = await CommandLine.RunAsync(TimeSpan.FromMinutes(3), "bash", "deploy/smoke.sh", BaseUrl);
        if (exit != 0)
            Assert.Fail(output);
        Assert.Contains("steps passed against", output, StringComparison.Ordinal);
        Assert.Contains("ok   201 POST   /orders", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
    }

    [FactWithTools("bash curl jq")]
    public async Task The_read_only_walk_writes_nothing()
    {
        var (exit, output) = await CommandLine.RunAsync(TimeSpan.FromMinutes(1), "bash", "deploy/smoke.sh", "--read-only", BaseUrl);
        if (exit != 0)
            Assert.Fail(output);
        Assert.Contains("(read-only)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("/auth/register", output, StringComparison.Ordinal);
    }

    [FactWithTools("bash curl jq")]
    public async Task The_smoke_script_fails_when_a_step_answers_wrongly()
    {
        // Nothing listens there: the first step cannot answer 200.
        var (exit, output) = await CommandLine.RunAsync(TimeSpan.FromMinutes(1), "bash", "deploy/smoke.sh", $"http://127.0.0.1:{Tavolo.Tests.Startup.TavoloProcess.FreePort()}");
        Assert.NotEqual(0, exit);
        Assert.Contains("FAIL GET /health: expected 200", output, StringComparison.Ordinal);
    }
}
