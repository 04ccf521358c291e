using System.Diagnostics;

namespace Tavolo.Tests.Deploy;

/// <summary>A fact that is skipped, with the reason, when a command-line tool it drives is not installed here.</summary>
public sealed class FactWithToolsAttribute : FactAttribute
{
    /// <param name="tools">Space-separated command names, looked up on PATH.</param>
    public FactWithToolsAttribute(string tools)
    {
        Tools = tools;
        var missing = tools.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(t => !CommandLine.Exists(t)).ToList();
        if (missing.Count > 0)
            Skip = $"not installed: {string.Join(", ", missing)}";
    }

    public string Tools { get; }
}

public static class CommandLine
{
    public static bool Exists(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    /// <summary>Runs a command to its end (killed after <paramref name="timeout"/>); returns its exit code and its output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Startup.Repository.Root,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = new System.Text.StringBuilder();
        void Append(object _, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
                lock (output) output.AppendLine(e.Data);
        }
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output) output.AppendLine($"(killed after {timeout})");
        }
        process.WaitForExit(); // the last output lines
        lock (output) return (process.ExitCode, output.ToString());
    }
}
