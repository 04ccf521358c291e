using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tavolo.Tests.Waitlists;

/// <summary>A real SMTP server on 127.0.0.1 that accepts every message and keeps it (RFC 5321, no TLS, no auth).</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public SmtpSink()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<(string To, string Data)> Messages { get; } = new();

    public async Task<IReadOnlyList<(string To, string Data)>> WaitForAsync(Func<(string To, string Data), bool> match, int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && Messages.Count(match) < count)
            await Task.Delay(20);
        return Messages.Where(match).ToList();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 sink ESMTP");
        var recipients = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-sink");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "HELO" or "MAIL" or "RSET" or "NOOP":
                    if (verb == "MAIL") recipients.Clear();
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    recipients.Add(line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)]);
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    var ended = false;
                    while (await reader.ReadLineAsync() is { } dataLine)
                    {
                        if (dataLine == ".")
                        {
                            ended = true;
                            break;
                        }
                        data.AppendLine(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine);
                    }
                    if (!ended)
                        return; // the sender went away mid-message (a killed process): a real server keeps nothing
                    foreach (var to in recipients)
                        Messages.Enqueue((to, data.ToString()));
                    await writer.WriteLineAsync("250 OK queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 Command not implemented");
                    break;
            }
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return; // the factory may dispose its fixture twice (Dispose and DisposeAsync)
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _accepting; } catch (Exception) { }
        _stop.Dispose();
    }
}

/// <summary>A local HTTP endpoint that records webhook calls and answers with a settable status.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _serving;

    public WebhookReceiver()
    {
        for (var attempt = 0; ; attempt++)
        {
            Port = Random.Shared.Next(20000, 60000);
            var listener = new HttpListener(); // a fresh one per try: a failed Start disposes the listener
            try
            {
                listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
                listener.Start();
                _listener = listener;
                break;
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                listener.Close();
            }
        }
        _serving = ServeAsync();
    }

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    public int Status { get; set; } = 200;

    /// <summary>A Location header to answer with (a redirect test).</summary>
    public string? Location { get; set; }

    public ConcurrentQueue<(Dictionary<string, string> Headers, byte[] Body)> Calls { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            Calls.Enqueue((headers, body.ToArray()));
            context.Response.StatusCode = Status;
            if (Location is not null)
                context.Response.RedirectLocation = Location;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
