using System.Net;
using System.Net.Sockets;
using Tavolo.Platform;

namespace Tavolo.Tests.Startup;

/// <summary>
/// A start that cannot succeed ends the process with two lines, the cause and the fix, and the documented exit code
/// (<see cref="ExitCodes"/>, the table in README.md); no stack trace unless the log level is Debug.
/// </summary>
public sealed class StartupFailureTests
{
    private static async Task<(int Exit, string Output)> RunAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        environment.TryAdd("ASPNETCORE_ENVIRONMENT", "Production");
        await using var tavolo = TavoloProcess.StartBuilt(environment, arguments);
        var exit = await tavolo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(100); // the last lines of the asynchronous readers
        return (exit, tavolo.Output);
    }

    private static void AssertTwoLines(string output, params string[] expected)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 2, $"expected the cause and the fix, got {lines.Length} lines:\n{output}");
        Assert.StartsWith("Tavolo did not start: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Fix: ", lines[1], StringComparison.Ordinal);
        foreach (var text in expected)
            Assert.Contains(text, output, StringComparison.Ordinal);
    }

    private static string Folder() => Directory.CreateTempSubdirectory("tavolo-fail-").FullName;

    [Fact]
    public async Task A_port_in_use_names_the_port_and_a_free_one()
    {
        using var holder = new TcpListener(IPAddress.Loopback, TavoloProcess.FreePort());
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var data = Folder();
        try
        {
            var (exit, output) = await RunAsync(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}", ["Tavolo__Sqlite__Path"] = Path.Combine(data, "t.db") });
            Assert.Equal(ExitCodes.Listen, exit);
            AssertTwoLines(output, $"port {port} is in use", $"--urls http://127.0.0.1:{port + 1}");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task The_stack_trace_comes_only_at_debug_level()
    {
        var (exit, output) = await RunAsync(new() { ["Tavolo__Modules"] = "orderz", ["Logging__LogLevel__Default"] = "Debug" });
        Assert.Equal(ExitCodes.Setting, exit);
        Assert.Contains("Tavolo did not start: Tavolo__Modules names unknown modules (orderz)", output, StringComparison.Ordinal);
        Assert.Contains("   at ", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tavolo__Modules", "orderz", "Tavolo__Modules names unknown modules (orderz)")]
    [InlineData("Tavolo__Sqlite__CheckpointPages", "5", "Tavolo__Sqlite__CheckpointPages=5 is outside 100–100000")]
    [InlineData("Tavolo__Auth__AccessTokenMinutes", "abc", "Tavolo__Auth__AccessTokenMinutes='abc' is not a whole number")]
    [InlineData("Tavolo__Metrics__Emf", "yes", "Tavolo__Metrics__Emf='yes' is not true or false")]
    [InlineData("Tavolo__Storage", "mongo", "Tavolo__Storage='mongo' is not one of sqlite, dynamodb")]
    [InlineData("Tavolo__Logging__Format", "xml", "Tavolo__Logging__Format='xml' is not one of plain, json")]
    [InlineData("Tavolo__Http__TrustedProxies", "10.0.0.1, proxy.local", "'proxy.local', not an IP address")]
    [InlineData("Tavolo__Smtp__Port", "70000", "Tavolo__Smtp__Port=70000 is outside 1–65535")]
    [InlineData("Tavolo__Secret", "c2hvcnQ=", "Tavolo__Secret is not base64 of at least 32 bytes")]
    [InlineData("Tavolo__PublicBaseUrl", "tavolo.example", "Tavolo__PublicBaseUrl='tavolo.example' is not an http(s) URL")]
    public async Task An_invalid_setting_is_named_with_exit_code_3(string name, string value, string cause)
    {
        var data = Folder();
        try
        {
            var (exit, output) = await RunAsync(new() { [name] = value, ["Tavolo__Sqlite__Path"] = Path.Combine(data, "t.db") });
            Assert.Equal(ExitCodes.Setting, exit);
            AssertTwoLines(output, cause);
            Assert.False(File.Exists(Path.Combine(data, "t.db")), "the database was created before the settings were checked");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("not-a-database", "file is not a database")]
    [InlineData("folder-is-a-file", "already exists")]
    public async Task A_database_it_cannot_open_exits_with_5(string kind, string cause)
    {
        var data = Folder();
        try
        {
            var path = Path.Combine(data, "db", "tavolo.db");
            if (kind == "not-a-database")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7 % 251))]);
            }
            else
            {
                await File.WriteAllTextAsync(Path.Combine(data, "db"), "a file where the folder should be");
            }
            var (exit, output) = await RunAsync(new() { ["Tavolo__Sqlite__Path"] = path });
            Assert.Equal(ExitCodes.Database, exit);
            AssertTwoLines(output, path.Replace("/tavolo.db", "", StringComparison.Ordinal), cause, "Tavolo__Sqlite__Path");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_malformed_key_ring_file_exits_with_6()
    {
        var data = Folder();
        try
        {
            await File.WriteAllTextAsync(Path.Combine(data, "signing-keys.json"), "garbage");
            var (exit, output) = await RunAsync(new() { ["Tavolo__Sqlite__Path"] = Path.Combine(data, "tavolo.db") });
            Assert.Equal(ExitCodes.KeyRing, exit);
            AssertTwoLines(output, "signing-keys.json", "move it away");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error()
    {
        var (exit, output) = await RunAsync([], "serve");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("unknown command 'serve'", output, StringComparison.Ordinal);
        Assert.Contains("--help", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_the_usage_and_exits_0(string flag)
    {
        var (exit, output) = await RunAsync([], flag);
        Assert.Equal(0, exit);
        Assert.Contains("Tavolo backup <file>", output, StringComparison.Ordinal);
        Assert.Contains("--urls", output, StringComparison.Ordinal);
        Assert.Contains("README.md, \"Configuration\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_the_version_and_exits_0()
    {
        var (exit, output) = await RunAsync([], "--version");
        Assert.Equal(0, exit);
        Assert.Matches(@"^Tavolo \d+\.\d+\.\d+\S* \(\.NET 10\.", output);
    }
}
