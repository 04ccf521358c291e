using System.Text.Json.Nodes;

namespace Tavolo.Tests.Startup;

/// <summary>
/// A key ring the app cannot use ends the process with exit code 6 (ExitCodes.KeyRing): a malformed one at start, a key OpenSSL
/// refuses once the background warm-up reaches it (<c>AuthModule.WarmAuthWhenListening</c>), never a process that
/// answers <c>/health</c> and then fails every sign-in.
/// </summary>
public sealed class KeyRingStartupTests
{
    private static Dictionary<string, string> Environment(string data, string ring) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Tavolo__Sqlite__Path"] = Path.Combine(data, "tavolo.db"),
        ["Tavolo__Auth__SigningKeys"] = ring,
    };

    private static string OffCurveRing()
    {
        var ring = JsonNode.Parse(Tavolo.Tests.Auth.ConfiguredKeysApp.Ring)!;
        var key = ring["keys"]![0]!;
        key["x"] = key["y"]!.GetValue<string>(); // (y, y) is not a point of P-256
        return ring.ToJsonString();
    }

    [Theory]
    [InlineData("off-curve", "OpenSSL refuses")]
    [InlineData("malformed", "holds no key")]
    public async Task A_ring_the_app_cannot_use_stops_it_with_exit_code_6(string kind, string logged)
    {
        var data = Directory.CreateTempSubdirectory("tavolo-ring-").FullName;
        try
        {
            var ring = kind == "off-curve" ? OffCurveRing() : """{"keys":[]}""";
            await using var tavolo = TavoloProcess.StartBuilt(Environment(data, ring));
            var exit = await tavolo.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(Tavolo.Platform.ExitCodes.KeyRing, exit); // at start, or the warm-up's own stop: not a crash
            Assert.Contains(logged, tavolo.Output, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("Fix: ", tavolo.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
