using System.Buffers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tavolo.Platform;

/// <summary>
/// The <c>json</c> log format: every event one <see cref="CompactJson"/> line on stdout, through <see cref="Stdout"/>.
/// A request formats its line as UTF-8 into its thread's own buffer and hands the bytes over; no string, no queue item.
/// </summary>
public sealed class JsonLinesLoggerProvider(Stdout stdout) : ILoggerProvider, ISupportExternalScope
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_line;

    private readonly Stdout _stdout = stdout;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { } // stdout is the container's: flushed when it is disposed

    private sealed class Logger(string category, JsonLinesLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var line = t_line ??= new ArrayBufferWriter<byte>(1024);
            line.ResetWrittenCount();
            if (CompactJson.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider._scopes, line))
                provider._stdout.Write(line.WrittenSpan);
            if (line.Capacity > 64 * 1024)
                t_line = null; // one huge exception does not keep a huge buffer per thread
        }
    }
}

/// <summary>
/// Stdout for whole lines, written in batches: writers append their bytes to a shared buffer, and one thread writes
/// whatever has gathered with one <c>write(2)</c>. It is woken once per batch, not per line, so under load many lines
/// share a system call and a wake-up (the console logger paid both per line: docs/performance.md); when idle, a line is
/// written as soon as that thread runs, and under load at most a millisecond later. A line is never split or interleaved with another. Past
/// <paramref name="maxPending"/> bytes waiting (a stalled reader of stdout), writers wait, as the console logger's did.
/// Lines still waiting when the process is killed are lost, as they were in the console logger's queue; disposing
/// (the host's shutdown) writes them all.
/// </summary>
public sealed class Stdout : IDisposable
{
    private readonly Stream _stream;
    private readonly int _maxPending;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private ArrayBufferWriter<byte> _writing = new(64 * 1024);
    private bool _writerAwake = true;
    private bool _disposed;
    private bool _finished; // the writer thread has ended: a late line goes straight to the stream

    public Stdout() : this(Console.OpenStandardOutput()) { }

    public Stdout(Stream stream, int maxPending = 1 << 20)
    {
        _stream = stream;
        _maxPending = maxPending;
        _thread = new Thread(Run) { IsBackground = true, Name = "tavolo-stdout" };
        _thread.Start();
    }

    /// <summary>How many times the bytes went to the stream (for tests and benchmarks).</summary>
    public int Writes { get; private set; }

    /// <summary>Bytes appended and not yet taken by the writer thread.</summary>
    public int PendingBytes
    {
        get
        {
            lock (_gate)
                return _pending.WrittenCount;
        }
    }

    /// <summary>Appends one or more whole lines (UTF-8, each ending in <c>\n</c>).</summary>
    public void Write(ReadOnlySpan<byte> lines)
    {
        lock (_gate)
        {
            while (_pending.WrittenCount >= _maxPending && !_finished)
                Monitor.Wait(_gate);
            if (_finished)
            {
                WriteToStream(lines);
                return;
            }
            _pending.Write(lines);
            if (!_writerAwake)
            {
                _writerAwake = true;
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>A text writer of whole lines onto this stdout (for EMF metric lines).</summary>
    public TextWriter Lines() => new LineWriter(this);

    private void Run()
    {
        while (true)
        {
            lock (_gate)
            {
                while (_pending.WrittenCount == 0)
                {
                    if (_disposed)
                    {
                        _finished = true;
                        Monitor.PulseAll(_gate);
                        return;
                    }
                    _writerAwake = false;
                    Monitor.Wait(_gate);
                }
                (_pending, _writing) = (_writing, _pending);
                Monitor.PulseAll(_gate); // writers waiting for room
            }
            WriteToStream(_writing.WrittenSpan);
            _writing.ResetWrittenCount();
            if (_writing.Capacity > 4 * _maxPending)
                _writing = new ArrayBufferWriter<byte>(64 * 1024);
            // Linger a millisecond, still awake (so writers do not wake it): under load the lines of that millisecond go
            // out in the next write, and the thread wakes ~1,000 times a second at most instead of once per batch of a
            // few lines (context switches were ~15 % of a GET's CPU). A lone line is still written the moment it comes.
            Thread.Sleep(1);
        }
    }

    private void WriteToStream(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _stream.Write(bytes);
            _stream.Flush();
            Writes++;
        }
        catch (IOException)
        {
            // Nobody reads stdout any more (a closed pipe): the lines have nowhere to go.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join(TimeSpan.FromSeconds(5)); // it writes what is pending first
    }

    /// <summary>Collects text into lines; each finished line goes to <see cref="Stdout"/> whole.</summary>
    private sealed class LineWriter(Stdout stdout) : TextWriter
    {
        private readonly System.Text.StringBuilder _line = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_line)
            {
                if (value != '\n')
                {
                    _line.Append(value);
                    return;
                }
                _line.Append('\n');
                stdout.Write(System.Text.Encoding.UTF8.GetBytes(_line.ToString()));
                _line.Clear();
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_line)
            {
                if (_line.Length > 0)
                {
                    base.WriteLine(value);
                    return;
                }
            }
            stdout.Write(System.Text.Encoding.UTF8.GetBytes((value ?? "") + "\n"));
        }
    }
}
