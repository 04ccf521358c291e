using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Tavolo.Platform;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// Group commit: every write in this process is a job on one queue, and one loop runs whatever is waiting (up to
/// <see cref="MaxBatch"/>, never waiting for more) in one <c>BEGIN IMMEDIATE … COMMIT</c>. The jobs run side by side;
/// only when one throws is the batch rolled back and the others run again, each in its own savepoint. A savepoint for
/// every job (two statements, and SQLite's copy of each page the job first changes) cost about 6 % of an order's CPU;
/// now only the rare batch with a failing job pays it (docs/performance.md).
/// </summary>
public sealed partial class SqliteDatabase
{
    public const int MaxBatch = 64;
    private const string SavepointSql = "SAVEPOINT job;";
    private const string ReleaseSavepointSql = "RELEASE job;";
    private const string RollbackToSavepointSql = "ROLLBACK TO job; RELEASE job;"; // undo the job's writes, then end its savepoint

    private readonly Channel<WriteJob> _writes = Channel.CreateUnbounded<WriteJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AsyncLocal<bool> _onWriter = new();
    private readonly List<WriteJob> _batch = new(MaxBatch);
    private readonly List<WriteJob> _ran = new(MaxBatch);
    private Task _writer = Task.CompletedTask;
    private PooledConnection? _writerConnection; // the loop's own, open for its lifetime: its write statements stay prepared
    private long _commits;
    private volatile bool _disposed;

    /// <summary>Committed batches so far; fewer than the writes when writes shared a commit.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>
    /// Runs <paramref name="work"/> on the writer's connection inside a transaction shared with other waiting writes,
    /// and returns its result once that transaction has committed. It is all-or-nothing: when it throws, its own writes
    /// are undone and the exception is the caller's alone. The work must not begin a transaction nor queue another write
    /// (it would wait for itself), and it must do nothing but run SQL on the connection it is given, because it may run
    /// twice: when a batch mate throws, the batch is rolled back and run again without that one (its result is handed
    /// back only after the commit, so only the run that committed counts). If the commit fails, every write of the batch fails.
    /// A write whose token is cancelled before it runs is skipped; once running it sees the token only through its
    /// commands.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (_onWriter.Value)
            throw new InvalidOperationException("A write job cannot queue another write; use the connection it was given.");
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<T>(cancellationToken);
        var job = new WriteJob<T>(work, StartWriteSpan(), cancellationToken);
        if (_disposed || !_writes.Writer.TryWrite(job))
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteDatabase)));
        return job.Completion;
    }

    /// <summary>The write's span, started without becoming the caller's current span (this method is not async).</summary>
    private static Activity? StartWriteSpan()
    {
        var caller = Activity.Current;
        var activity = Telemetry.StartStoreCall("sqlite", "write");
        if (activity is not null)
            Activity.Current = caller;
        return activity;
    }

    public Task WriteAsync(Func<SqliteConnection, CancellationToken, Task> work, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, token) =>
        {
            await work(connection, token);
            return true;
        }, cancellationToken);

    private void StartWriter()
    {
        // No caller's context flows into the loop; the loop's own flag is how a job's nested write is caught.
        using (ExecutionContext.SuppressFlow())
            _writer = Task.Run(RunWriterAsync);
        StartCheckpointer();
    }

    private async Task RunWriterAsync()
    {
        _onWriter.Value = true;
        var reader = _writes.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (_batch.Count < MaxBatch && reader.TryRead(out var job))
                _batch.Add(job);
            if (_disposed)
            {
                foreach (var job in _batch)
                    job.Fail(new ObjectDisposedException(nameof(SqliteDatabase)));
            }
            else
            {
                await CommitBatchAsync();
            }
            _batch.Clear();
            _ran.Clear();
        }
        _writerConnection?.Dispose(); // closes: the database is disposed
    }

    /// <summary>Runs the batch and commits it; never throws (a failure is every job's).</summary>
    private async Task CommitBatchAsync()
    {
        try
        {
            // One left closed or inside a transaction (its rollback failed) would fail every batch after it: start afresh.
            if (_writerConnection is { } broken && (broken.State != System.Data.ConnectionState.Open || broken.InTransaction))
            {
                _writerConnection = null;
                broken.Dispose();
            }
            if (_writerConnection is null)
            {
                _writerConnection = await OpenNewAsync(CancellationToken.None);
                TakeOverCheckpoints(_writerConnection);
            }
            var connection = _writerConnection;
            FinishCheckpoint(connection);
            var isolated = false; // first side by side; each in a savepoint once one has thrown
            while (true)
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                if (await RunJobsAsync(connection, isolated))
                {
                    transaction.Commit();
                    break;
                }
                transaction.Rollback(); // the thrower's writes are mixed with the others': undo all, run the rest again
                _ran.Clear();
                isolated = true;
            }
            Committed(connection);
        }
        catch (Exception e)
        {
            foreach (var job in _batch)
                job.Fail(e); // a job already failed or cancelled keeps its outcome
            return;
        }
        Interlocked.Increment(ref _commits);
        foreach (var job in _ran)
            job.Deliver();
    }

    /// <summary>
    /// Runs the batch's jobs not yet failed or cancelled; false when one threw while not <paramref name="isolated"/> (the
    /// transaction must then be rolled back). Isolated, each job runs in a savepoint and a thrower's writes are undone alone.
    /// </summary>
    private async Task<bool> RunJobsAsync(SqliteConnection connection, bool isolated)
    {
        foreach (var job in _batch)
        {
            if (job.Ended)
                continue; // failed in the pass before
            if (job.CancellationToken.IsCancellationRequested)
            {
                job.Cancel();
                continue;
            }
            if (isolated)
                await connection.ExecuteAsync(SavepointSql, CancellationToken.None);
            try
            {
                await job.RunAsync(connection);
            }
            catch (Exception e) when (PooledConnection.InNativeTransaction(connection))
            {
                job.Fail(e);
                if (!isolated)
                    return false;
                await connection.ExecuteAsync(RollbackToSavepointSql, CancellationToken.None);
                continue;
            }
            // When SQLite rolled the whole transaction back under a job that caught the error itself, the next job must
            // not run in autocommit mode: the release fails, or (side by side) the check does, and so does the batch.
            if (isolated)
                await connection.ExecuteAsync(ReleaseSavepointSql, CancellationToken.None);
            else if (!PooledConnection.InNativeTransaction(connection))
                throw new InvalidOperationException("A write ended the batch's transaction.");
            _ran.Add(job);
        }
        return true;
    }

    private abstract class WriteJob(Activity? activity, CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>
        /// The caller's span for this write ("write sqlite", from its queueing to its commit), null with OpenTelemetry
        /// off; the job's commands run under it on the writer loop, so they sit in the caller's trace.
        /// </summary>
        protected Activity? Activity { get; } = activity;

        public abstract Task RunAsync(SqliteConnection connection);

        public abstract void Deliver();

        public abstract void Fail(Exception exception);

        public abstract void Cancel();

        /// <summary>Failed or cancelled: its outcome is settled and it does not run again.</summary>
        public abstract bool Ended { get; }
    }

    private sealed class WriteJob<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, Activity? activity, CancellationToken cancellationToken)
        : WriteJob(activity, cancellationToken)
    {
        // Asynchronous continuations: the caller's code after its write must not run on the writer loop.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Completion => _completion.Task;

        public override async Task RunAsync(SqliteConnection connection)
        {
            if (Activity is null)
            {
                _result = await work(connection, CancellationToken);
                return;
            }
            var loop = System.Diagnostics.Activity.Current;
            System.Diagnostics.Activity.Current = Activity;
            try
            {
                _result = await work(connection, CancellationToken);
            }
            finally
            {
                System.Diagnostics.Activity.Current = loop;
            }
        }

        public override void Deliver()
        {
            Activity?.Dispose();
            _completion.TrySetResult(_result);
        }

        public override void Fail(Exception exception)
        {
            Activity.Failed(exception);
            Activity?.Dispose();
            if (exception is OperationCanceledException cancelled)
                _completion.TrySetCanceled(cancelled.CancellationToken);
            else
                _completion.TrySetException(exception);
        }

        public override void Cancel()
        {
            Activity?.Dispose();
            _completion.TrySetCanceled(CancellationToken);
        }

        public override bool Ended => _completion.Task.IsCompleted; // delivered only after the commit, so never while it runs
    }
}
