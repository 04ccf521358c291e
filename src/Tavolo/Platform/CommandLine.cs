using System.Reflection;

namespace Tavolo.Platform;

/// <summary>
/// What the first argument asks for: <c>--help</c>/<c>-h</c> and <c>--version</c> (answered here, exit 0),
/// <c>backup &lt;file&gt;</c>, or serving (no command; every other argument is a setting, <c>--urls</c> or
/// <c>--Tavolo:X:Y=value</c>, as ASP.NET Core reads them).
/// </summary>
public static class CommandLine
{
    /// <summary>The version <c>--version</c> prints: the assembly's informational version (0.1.0, with the commit when built from git).</summary>
    public static string Version { get; } =
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public const string Usage = """
        Tavolo — a restaurant backend (auth, waitlists, menus, orders, promo codes) and its web app in one process.

        Usage:
          Tavolo [--urls <url>] [--Tavolo:<Section>:<Key>=<value> ...]
                                   serve the API and the web app (default http://localhost:5080; data in ./data/)
          Tavolo backup <file>     copy the SQLite database into <file>, consistent while another Tavolo serves it
          Tavolo --help, -h        this text
          Tavolo --version         the version
        From a clone: dotnet run --project src/Tavolo -- <arguments>

        Settings: environment variables (Tavolo__Auth__AccessTokenMinutes=30) or arguments
        (--Tavolo:Auth:AccessTokenMinutes=30); every setting, what it means and its default: README.md, "Configuration".
        Traces and metrics: OTEL_EXPORTER_OTLP_ENDPOINT (docs/operations.md). Backups, restore, exit codes: docs/operations.md.
        Exit codes: 0 done, 1 unexpected failure, 2 usage, 3 invalid setting, 4 cannot listen, 5 database unreadable,
        6 signing key ring unusable, 7 storage backend unreachable.
        """;

    /// <summary>
    /// Answers <c>--help</c>, <c>--version</c> and a malformed command; returns their exit code, or null to go on
    /// (serve, or back up into <paramref name="backupTo"/>; <paramref name="rest"/> holds the settings arguments).
    /// </summary>
    public static int? Handle(string[] args, TextWriter output, TextWriter error, out string? backupTo, out string[] rest)
    {
        backupTo = null;
        rest = args;
        switch (args)
        {
            case ["--help" or "-h" or "-?" or "help", ..]:
                output.WriteLine(Usage);
                return ExitCodes.Ok;
            case ["--version", ..]:
                output.WriteLine($"Tavolo {Version} (.NET {Environment.Version})");
                return ExitCodes.Ok;
            case ["backup"]:
                error.WriteLine("usage: Tavolo backup <file>   (the database is Tavolo__Sqlite__Path, as when serving; Tavolo --help)");
                return ExitCodes.Usage;
            case ["backup", var file, ..]:
                backupTo = file;
                rest = args[2..];
                return null;
            case [var command, ..] when !command.StartsWith('-') && !command.Contains('=', StringComparison.Ordinal):
                error.WriteLine($"Tavolo: unknown command '{command}'.");
                error.WriteLine("Fix: run Tavolo with no command to serve, or `Tavolo backup <file>`; Tavolo --help lists them.");
                return ExitCodes.Usage;
            default:
                return null;
        }
    }
}
