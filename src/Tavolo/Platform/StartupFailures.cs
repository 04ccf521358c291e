using System.Text.RegularExpressions;

namespace Tavolo.Platform;

/// <summary>
/// The process's exit codes (the table in README.md, "Two commands"). A failure with a known cause prints two lines,
/// the cause and the fix, and exits with its code; the stack trace follows only at
/// <c>Logging__LogLevel__Default=Debug</c> (or <c>Trace</c>).
/// </summary>
public static class ExitCodes
{
    /// <summary>Served and stopped cleanly; <c>--help</c>, <c>--version</c>; a backup made.</summary>
    public const int Ok = 0;

    /// <summary>A failure Tavolo has no explanation for (a bug): report it with the Debug stack trace.</summary>
    public const int Unexpected = 1;

    /// <summary>The command line is wrong (<c>backup</c> without a file, an unknown command).</summary>
    public const int Usage = 2;

    /// <summary>A setting is invalid (a number that is not one, out of range, an unknown module or adapter).</summary>
    public const int Setting = 3;

    /// <summary>Kestrel cannot listen: the port is in use, or the address is not this machine's or not allowed.</summary>
    public const int Listen = 4;

    /// <summary>The SQLite database cannot be opened, read or created (corrupt, not a database, a folder in the way).</summary>
    public const int Database = 5;

    /// <summary>The signing key ring (file or <c>Tavolo__Auth__SigningKeys</c>) is malformed or holds a key OpenSSL refuses.</summary>
    public const int KeyRing = 6;

    /// <summary>DynamoDB, SQS or PostgreSQL did not answer (or refused) at start-up.</summary>
    public const int Backend = 7;
}

/// <summary>A start-up failure whose cause is known: what went wrong, and what to do about it.</summary>
public sealed class StartupException(int exitCode, string cause, string fix, Exception? inner = null) : Exception(cause, inner)
{
    public int ExitCode { get; } = exitCode;

    public string Fix { get; } = fix;
}

public static partial class StartupFailures
{
    /// <summary>Prints the cause and the fix (and at Debug the exception) to <paramref name="error"/>; returns the exit code.</summary>
    public static int Report(Exception exception, TextWriter error, bool debug)
    {
        var failure = Explain(exception);
        error.WriteLine($"Tavolo did not start: {failure.Message}");
        error.WriteLine($"Fix: {failure.Fix}");
        if (debug)
            error.WriteLine(exception.ToString());
        error.Flush();
        return failure.ExitCode;
    }

    /// <summary>The exception as a cause and a fix: Tavolo's own, Kestrel's bind failures, the configuration binder's.</summary>
    public static StartupException Explain(Exception exception) => exception switch
    {
        StartupException known => known,
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } io => PortInUse(io.Message),
        IOException io when io.Message.StartsWith("Failed to bind to address", StringComparison.Ordinal) => new StartupException(ExitCodes.Listen,
            $"{io.Message.TrimEnd('.')}.",
            "pass --urls (or set ASPNETCORE_URLS) with an address of this machine and a port above 1023, e.g. --urls http://localhost:5081.", io),
        InvalidOperationException { InnerException: FormatException or OverflowException } binding when ConversionFailure().Match(binding.Message) is { Success: true } m =>
            new StartupException(ExitCodes.Setting,
                $"{EnvironmentName(m.Groups["key"].Value)}='{m.Groups["value"].Value}' is not {Kind(m.Groups["type"].Value)}.",
                $"set {EnvironmentName(m.Groups["key"].Value)} to {Kind(m.Groups["type"].Value)}, or unset it for its default (README.md, Configuration).", binding),
        _ => new StartupException(ExitCodes.Unexpected,
            $"{exception.GetType().Name}: {FirstLine(exception.Message)}",
            "run again with Logging__LogLevel__Default=Debug for the stack trace; this is a bug if the message names no setting or file.", exception),
    };

    /// <summary>Failures while opening or migrating storage: the SQLite file, or a backend that did not answer.</summary>
    public static StartupException Storage(Exception exception, TavoloOptions options)
    {
        if (exception is StartupException known)
            return known;
        if (exception is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            var path = Path.GetFullPath(options.Sqlite.Path);
            return new StartupException(ExitCodes.Database,
                $"the database {path} cannot be opened: {FirstLine(exception.Message)}",
                "restore it from a backup (docs/operations.md), move it away to start empty, or point Tavolo__Sqlite__Path at another file.", exception);
        }
        return new StartupException(ExitCodes.Backend,
            $"a storage backend did not answer at start-up: {exception.GetType().Name}: {FirstLine(exception.Message)}",
            "check Tavolo__DynamoDb__ServiceUrl, Tavolo__Sqs__ServiceUrl and Tavolo__PromoCodes__ConnectionString (and the credentials), and that the service runs.", exception);
    }

    /// <summary>A key ring that cannot be read, decoded or used.</summary>
    public static StartupException KeyRing(Exception exception, TavoloOptions options)
    {
        if (exception is StartupException known)
            return known;
        var source = string.IsNullOrWhiteSpace(options.Auth.SigningKeys)
            ? "the key ring file " + (string.IsNullOrWhiteSpace(options.Auth.SigningKeyPath)
                ? Path.Combine(DataDirectory.Of(options), "signing-keys.json")
                : Path.GetFullPath(options.Auth.SigningKeyPath))
            : "Tavolo__Auth__SigningKeys";
        return new StartupException(ExitCodes.KeyRing,
            $"the signing key ring is unusable ({source}): {FirstLine(exception.Message)}",
            string.IsNullOrWhiteSpace(options.Auth.SigningKeys)
                ? "restore the file from a backup, or move it away to have a new ring made (tokens signed with the old keys then stop working)."
                : "set Tavolo__Auth__SigningKeys to the ring's JSON as the key file holds it (docs/security.md), or unset it to use the file.", exception);
    }

    /// <summary>Whether the stack trace is wanted: <c>Logging:LogLevel:Default</c> at Debug or Trace.</summary>
    public static bool Debug(IConfiguration configuration) =>
        configuration["Logging:LogLevel:Default"] is { } level
        && (level.Equals("Debug", StringComparison.OrdinalIgnoreCase) || level.Equals("Trace", StringComparison.OrdinalIgnoreCase));

    private static StartupException PortInUse(string message)
    {
        var url = BindAddress().Match(message) is { Success: true } m ? m.Groups["url"].Value : "http://localhost:5080";
        var uri = Uri.TryCreate(url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var parsed) ? parsed : null;
        var port = uri?.Port ?? 5080;
        var next = uri is null ? "http://localhost:5081" : $"{uri.Scheme}://{uri.Host}:{port + 1}";
        return new StartupException(ExitCodes.Listen,
            $"port {port} is in use ({url}): another program, or another Tavolo, listens there.",
            $"pass --urls {next} (or set ASPNETCORE_URLS), or stop the program that holds port {port}.");
    }

    /// <summary><c>Tavolo:Auth:AccessTokenMinutes</c> as the environment variable a person sets.</summary>
    private static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static string Kind(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Boolean" => "true or false",
        "System.Double" or "System.Decimal" => "a number",
        "System.TimeSpan" => "a time span (hh:mm:ss)",
        _ => "a " + type[(type.LastIndexOf('.') + 1)..],
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    [GeneratedRegex(@"Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex(@"Failed to bind to address (?<url>\S+?):? address already in use")]
    private static partial Regex BindAddress();
}
