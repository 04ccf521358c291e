using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Tavolo.Platform;

namespace Tavolo.Tests.Platform;

/// <summary>
/// The explanations and the command line in-process (the process tests in Startup/ run them as users meet them, but a
/// child process's lines do not count for coverage).
/// </summary>
public sealed class StartupFailuresTests
{
    private static TavoloOptions Options(string? signingKeys = null) => new() { Sqlite = { Path = "/tmp/x/tavolo.db" }, Auth = { SigningKeys = signingKeys } };

    [Fact]
    public void A_port_in_use_suggests_the_next_port()
    {
        var failure = StartupFailures.Explain(new IOException("Failed to bind to address http://127.0.0.1:5080: address already in use.", new AddressInUseException("in use")));
        Assert.Equal(ExitCodes.Listen, failure.ExitCode);
        Assert.Contains("port 5080 is in use", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--urls http://127.0.0.1:5081", failure.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_bind_failure_is_a_listen_failure()
    {
        var failure = StartupFailures.Explain(new IOException("Failed to bind to address http://10.9.9.9:80: Cannot assign requested address"));
        Assert.Equal(ExitCodes.Listen, failure.ExitCode);
        Assert.Contains("--urls", failure.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("System.Int32", "a whole number")]
    [InlineData("System.Boolean", "true or false")]
    [InlineData("System.Decimal", "a number")]
    [InlineData("System.TimeSpan", "a time span (hh:mm:ss)")]
    [InlineData("System.Guid", "a Guid")]
    public void A_value_the_binder_cannot_convert_names_the_variable(string type, string kind)
    {
        var failure = StartupFailures.Explain(new InvalidOperationException(
            $"Failed to convert configuration value 'abc' at 'Tavolo:Auth:AccessTokenMinutes' to type '{type}'.", new FormatException()));
        Assert.Equal(ExitCodes.Setting, failure.ExitCode);
        Assert.Equal($"Tavolo__Auth__AccessTokenMinutes='abc' is not {kind}.", failure.Message);
    }

    [Fact]
    public void An_unknown_failure_is_exit_code_1_and_asks_for_the_debug_trace()
    {
        var failure = StartupFailures.Explain(new NotSupportedException("first line\nsecond line"));
        Assert.Equal(ExitCodes.Unexpected, failure.ExitCode);
        Assert.Equal("NotSupportedException: first line", failure.Message);
        Assert.Contains("Logging__LogLevel__Default=Debug", failure.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_failures_are_the_database_or_a_backend()
    {
        Assert.Equal(ExitCodes.Database, StartupFailures.Storage(new IOException("disk"), Options()).ExitCode);
        Assert.Equal(ExitCodes.Database, StartupFailures.Storage(new UnauthorizedAccessException("denied"), Options()).ExitCode);
        var backend = StartupFailures.Storage(new HttpRequestException("Connection refused"), Options());
        Assert.Equal(ExitCodes.Backend, backend.ExitCode);
        Assert.Contains("Tavolo__DynamoDb__ServiceUrl", backend.Fix, StringComparison.Ordinal);
        var known = new StartupException(ExitCodes.Setting, "x", "y");
        Assert.Same(known, StartupFailures.Storage(known, Options()));
        Assert.Same(known, StartupFailures.KeyRing(known, Options()));
    }

    [Fact]
    public void A_key_ring_failure_names_its_source()
    {
        var file = StartupFailures.KeyRing(new InvalidOperationException("holds no key"), Options());
        Assert.Equal(ExitCodes.KeyRing, file.ExitCode);
        Assert.Contains("/tmp/x/signing-keys.json", file.Message, StringComparison.Ordinal);
        var configured = StartupFailures.KeyRing(new InvalidOperationException("holds no key"), Options("{}"));
        Assert.Contains("Tavolo__Auth__SigningKeys", configured.Message, StringComparison.Ordinal);
        var path = StartupFailures.KeyRing(new InvalidOperationException("bad"), new TavoloOptions { Auth = { SigningKeyPath = "/tmp/ring.json" } });
        Assert.Contains("/tmp/ring.json", path.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("Information", false)]
    [InlineData("Debug", true)]
    [InlineData("trace", true)]
    public void The_stack_trace_is_printed_at_debug_only(string? level, bool printed)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(level is null ? [] : [new KeyValuePair<string, string?>("Logging:LogLevel:Default", level)]).Build();
        Assert.Equal(printed, StartupFailures.Debug(configuration));
        using var error = new StringWriter();
        Assert.Equal(ExitCodes.Unexpected, StartupFailures.Report(new InvalidOperationException("boom"), error, StartupFailures.Debug(configuration)));
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Tavolo did not start: InvalidOperationException: boom", lines[0]);
        Assert.StartsWith("Fix: ", lines[1], StringComparison.Ordinal);
        Assert.Equal(printed, lines.Length > 2);
    }

    [Theory]
    [InlineData(new[] { "--help" }, 0, "Tavolo backup <file>")]
    [InlineData(new[] { "-h" }, 0, "--version")]
    [InlineData(new[] { "--version" }, 0, "Tavolo 0.1.0")]
    [InlineData(new[] { "backup" }, 2, "usage: Tavolo backup <file>")]
    [InlineData(new[] { "serve" }, 2, "unknown command 'serve'")]
    public void The_command_line_answers_without_serving(string[] args, int exit, string printed)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(exit, CommandLine.Handle(args, output, error, out var backupTo, out _));
        Assert.Null(backupTo);
        Assert.Contains(printed, output.ToString() + error, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_and_settings_go_on()
    {
        using var output = new StringWriter();
        Assert.Null(CommandLine.Handle(["backup", "copy.db", "--urls", "http://localhost:1"], output, output, out var backupTo, out var rest));
        Assert.Equal("copy.db", backupTo);
        Assert.Equal(["--urls", "http://localhost:1"], rest);
        Assert.Null(CommandLine.Handle(["--urls", "http://localhost:1", "Tavolo:Modules=auth"], output, output, out backupTo, out rest));
        Assert.Null(backupTo);
        Assert.Equal(3, rest.Length);
        Assert.Null(CommandLine.Handle(["Tavolo:Modules=auth"], output, output, out _, out _));
        Assert.Empty(output.ToString());
    }
}
