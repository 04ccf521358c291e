using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tavolo.Tests.Startup;

/// <summary>Starts Tavolo as a separate process, the way a person or a deployment would, and times it.</summary>
public sealed class TavoloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private TavoloProcess(Process process, string baseUrl, string workingDirectory)
    {
        _process = process;
        BaseUrl = baseUrl;
        WorkingDirectory = workingDirectory;
    }

    public string BaseUrl { get; }

    public string WorkingDirectory { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static TavoloProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var workingDirectory = Directory.CreateTempSubdirectory("tavolo-run-").FullName;
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        var process = Process.Start(info)!;
        var started = new TavoloProcess(process, $"http://127.0.0.1:{port}", workingDirectory);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Polls /health until it answers 200; returns the time from process start to that answer.</summary>
    public async Task<TimeSpan> WaitForHealthAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        var startedAt = _process.StartTime.ToUniversalTime();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Tavolo exited with {_process.ExitCode}:\n{Output}");
            try
            {
                var response = await client.GetAsync(BaseUrl + "/health");
                if (response.StatusCode == HttpStatusCode.OK)
                    return DateTime.UtcNow - startedAt;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(10);
        }
        throw new TimeoutException($"No healthy answer within {timeout}:\n{Output}");
    }

    /// <summary>The app as built beside this test run (no build check, unlike <c>dotnet run</c>), on <paramref name="environment"/>.</summary>
    public static TavoloProcess StartBuilt(IDictionary<string, string> environment, params string[] arguments) =>
        Start("dotnet", [AppDll, .. arguments], environment);

    /// <summary>src/Tavolo's build output of the configuration these tests were built in.</summary>
    public static string AppDll { get; } = Path.Combine(Repository.Root, "src", "Tavolo", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "Tavolo.dll");

    public bool HasExited => _process.HasExited;

    /// <summary>The files the process has mapped (<c>/proc/&lt;pid&gt;/maps</c>): the assemblies it loaded, among others.</summary>
    public string MappedFiles => File.ReadAllText($"/proc/{_process.Id}/maps");

    public int ExitCode => _process.ExitCode;

    /// <summary>For a command that ends by itself (<c>backup</c>): its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process ends at once, mid-write, as in a power cut of the process (not of the machine).</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM (what a container runtime or Lambda sends before stopping): returns how long the process took to exit.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(WorkingDirectory, recursive: true); } catch (IOException) { }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>
    /// A free port below the kernel's ephemeral range (32768–60999 here). A port 0 bind hands out ports from that range
    /// and gives one back as soon as it is closed, so a port picked that way and released could be taken by another
    /// test's server (Kestrel on port 0) before this process bound it: this test then talked to the other server (seen
    /// once: `dotnet run`'s 5 s build check left the window open). Ports picked here are never handed out by the kernel.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
                // taken: try another
            }
        }
    }
}

public static class Repository
{
    /// <summary>The repository root: the folder above tests/ that holds Tavolo.slnx.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tavolo.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Tavolo.slnx not found above " + AppContext.BaseDirectory);
    }
}
