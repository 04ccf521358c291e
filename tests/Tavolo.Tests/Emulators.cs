using System.Diagnostics;
using System.Net.Sockets;
using Tavolo.Tests.Startup;

namespace Tavolo.Tests;

/// <summary>
/// The real servers behind the AWS adapters, started once per test run as local processes on 127.0.0.1 and stopped
/// by pid when the run ends: DynamoDB (npm dynalite), SQS (npm fauxqs), PostgreSQL (Debian's binaries, a throwaway
/// cluster in a temp folder). <c>.ci/run</c> installs them (<c>npm ci</c> in tests/emulators, apt postgresql).
/// </summary>
public static class Emulators
{
    private static readonly Lazy<Task<string>> Dynamo = new(() => StartNodeAsync("dynalite", "node_modules/dynalite/cli.js", "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0", "--port"));
    private static readonly Lazy<Task<string>> Sqs = new(() => StartNodeAsync("fauxqs", "sqs.mjs"));
    private static readonly Lazy<Task<string>> Postgres = new(StartPostgresAsync);

    /// <summary>The DynamoDB endpoint (<c>Tavolo__DynamoDb__ServiceUrl</c>).</summary>
    public static Task<string> DynamoDbAsync() => Dynamo.Value;

    /// <summary>The SQS endpoint (<c>Tavolo__Sqs__ServiceUrl</c>).</summary>
    public static Task<string> SqsAsync() => Sqs.Value;

    /// <summary>A connection string to a fresh, empty database on the shared throwaway cluster.</summary>
    public static async Task<string> NewPostgresDatabaseAsync()
    {
        var server = await Postgres.Value;
        var name = "t" + Guid.NewGuid().ToString("N");
        await using (var connection = new Npgsql.NpgsqlConnection(server + ";Database=postgres"))
        {
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await create.ExecuteNonQueryAsync();
        }
        return $"{server};Database={name}";
    }

    private static string Folder => Path.Combine(Repository.Root, "tests", "emulators");

    private static async Task<string> StartNodeAsync(string name, params string[] arguments)
    {
        await InstallOnceAsync();
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", name)))
            throw new InvalidOperationException($"{name} is not installed: run `npm ci` in tests/emulators (.ci/run does).");
        var port = TavoloProcess.FreePort();
        // Detached (its own session, not a child of this process, so no process-tree kill of the test host can
        // freeze it half-way) under a watchdog that stops the server within a second of this test process ending.
        var command = "node " + string.Join(' ', arguments.Append(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Detach(Watchdog($"{command} >/dev/null 2>&1 </dev/null & child=$!", "kill $child 2>/dev/null", "kill -0 $child 2>/dev/null"), Folder);
        await WaitForPortAsync(port, name);
        return $"http://127.0.0.1:{port}";
    }

    private static readonly Lazy<Task> Install = new(async () =>
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules")))
            await RunAsync("npm", "ci", "--no-audit", "--no-fund", "--prefix", Folder); // the pinned versions of package-lock.json
    });

    /// <summary>On a fresh clone the emulators install themselves from tests/emulators/package-lock.json (needs Node.js and npm).</summary>
    private static Task InstallOnceAsync() => Install.Value;

    private static async Task<string> StartPostgresAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
            throw new InvalidOperationException("PostgreSQL's server binaries are not installed (apt-get install postgresql; .ci/run does).");
        var directory = Directory.CreateTempSubdirectory("tavolo-pg-").FullName;
        var data = Path.Combine(directory, "data");
        var asRoot = Environment.UserName == "root"; // initdb refuses root: run the cluster as the postgres user
        if (asRoot)
            await RunAsync("chown", "postgres:postgres", directory);
        var port = TavoloProcess.FreePort();
        await RunAsync(asRoot, Path.Combine(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        await RunAsync(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-l", Path.Combine(directory, "log"), "-w", "-o",
            $"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start");
        // The cluster runs detached (pg_ctl daemonizes): a watchdog shell stops it and removes its folder once this
        // test process has gone, however it went.
        var stop = $"{(asRoot ? "runuser -u postgres -- " : "")}{Path.Combine(bin, "pg_ctl")} -D {data} -m immediate stop >/dev/null 2>&1; rm -rf {directory}";
        Detach(Watchdog(":", stop, "true"), directory);
        return $"Host=127.0.0.1;Port={port};Username=postgres";
    }

    /// <summary>A shell script that runs <paramref name="start"/>, waits while this process (and <paramref name="alive"/>) lives, then runs <paramref name="stop"/>.</summary>
    private static string Watchdog(string start, string stop, string alive) =>
        $"{start}; while kill -0 {Environment.ProcessId} 2>/dev/null && {alive}; do sleep 1; done; {stop}";

    private static Task RunAsync(string file, params string[] arguments) => RunAsync(false, file, arguments);

    private static async Task RunAsync(bool asPostgres, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
                info.ArgumentList.Add(a);
        }
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await output}{await error}");
    }

    private static async Task WaitForPortAsync(int port, string name)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException($"{name} did not listen on 127.0.0.1:{port}.");
    }

    /// <summary>Runs a shell script in a new session (<c>setsid -f</c>), detached from this process and its tree.</summary>
    private static void Detach(string script, string workingDirectory)
    {
        var info = new ProcessStartInfo("setsid") { WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-f", "sh", "-c", script })
            info.ArgumentList.Add(argument);
        using var launcher = Process.Start(info)!;
        launcher.WaitForExit(); // setsid -f returns at once; the script lives on in its own session
    }
}
