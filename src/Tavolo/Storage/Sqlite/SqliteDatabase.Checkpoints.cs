using SQLitePCL;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// Checkpoints mostly off the writer loop. SQLite's automatic checkpoint runs inside the commit that crosses its
/// threshold: the writer loop, and every write waiting on it, stood still while ~1,000 WAL frames were copied into the
/// database file and both files were fsynced (4.6 ms of every ~23 ms under steady orders; an fsync costs in proportion to
/// what it flushes, ~2.4 ms a MB here). So the writer's connection has automatic checkpoints off and counts the pages
/// its commits append (<c>SQLITE_DBSTATUS_CACHE_WRITE</c>); past <c>Tavolo__Sqlite__CheckpointPages</c> it wakes a loop of
/// its own that runs passive checkpoints on its own connection while the writer goes on committing, pass after pass
/// until a pass finds little new (each copies what the writer committed during the last). The writer then copies that
/// small rest itself, between two batches: a WAL fully copied is what lets SQLite start it over at the next write
/// (a background pass alone never catches a writer that keeps committing, and the WAL would grow without end).
/// If the loop falls behind (a failing disk), the writer checkpoints inline at four times the threshold, as SQLite
/// would. A checkpoint that fails leaves the frames in the WAL, where reads still find them; the next one copies them.
/// </summary>
public sealed partial class SqliteDatabase
{
    /// <summary>A background pass that copied at most this many frames leaves the writer a rest short enough to copy inline.</summary>
    private const int InlineRestPages = 64;

    private const int MaxPasses = 4;
    private const int BackstopFactor = 4; // past this many times the threshold the writer checkpoints inline, whatever the loop does
    private const int Idle = 0, Copying = 1, Copied = 2; // _checkpointState: Idle → Copying (writer), → Copied (loop), → Idle (writer)

    private readonly SemaphoreSlim _checkpointDue = new(0, 1);
    private Task _checkpointer = Task.CompletedTask;
    private int _checkpointState;
    private int _walPages; // appended by the writer's commits since its last complete checkpoint; the writer loop's alone
    private long _checkpoints;

    /// <summary>Complete checkpoints (the WAL copied to its end, so it starts over) so far.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    private void StartCheckpointer()
    {
        using (ExecutionContext.SuppressFlow())
            _checkpointer = Task.Run(RunCheckpointerAsync);
    }

    /// <summary>The writer connection's setting: no checkpoint inside its commits (this class runs them).</summary>
    private static void TakeOverCheckpoints(PooledConnection writer) => raw.sqlite3_wal_autocheckpoint(writer.Handle, 0);

    /// <summary>After each commit on the writer's connection: counts its pages and wakes the loop past the threshold.</summary>
    private void Committed(PooledConnection writer)
    {
        raw.sqlite3_db_status(writer.Handle, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var written, out _, 1); // 1: and reset
        _walPages += written;
        if (_walPages >= _checkpointPages && Interlocked.CompareExchange(ref _checkpointState, Copying, Idle) == Idle)
            _checkpointDue.Release();
    }

    /// <summary>
    /// Before a batch, on the writer's connection: copies the rest the loop left, so that this batch's first write starts
    /// the WAL over; or everything, past the backstop, whatever the loop is doing (a loop that is late to run — a starved
    /// thread pool — or that a writer outpaces must not let the WAL grow without bound).
    /// </summary>
    private void FinishCheckpoint(PooledConnection writer)
    {
        var state = Volatile.Read(ref _checkpointState);
        if (state != Copied && _walPages < BackstopFactor * _checkpointPages)
            return;
        // Passive: a pass the loop is running at this moment makes this one return SQLITE_BUSY at once; the next batch tries again.
        if (raw.sqlite3_wal_checkpoint_v2(writer.Handle, null, raw.SQLITE_CHECKPOINT_PASSIVE, out var log, out var copied) == raw.SQLITE_OK
            && log == copied)
        {
            _walPages = 0;
            Interlocked.Increment(ref _checkpoints);
        }
        // Not to the end (a reader still on older frames): the next commit past the threshold wakes the loop again.
        if (state == Copied)
            Volatile.Write(ref _checkpointState, Idle); // a loop still copying sets Copied when done, and the next batch ends it
    }

    private async Task RunCheckpointerAsync()
    {
        PooledConnection? connection = null;
        try
        {
            while (true)
            {
                await _checkpointDue.WaitAsync();
                if (_disposed)
                    return;
                try
                {
                    connection ??= await OpenNewAsync(CancellationToken.None);
                    var before = -1;
                    for (var pass = 0; pass < MaxPasses; pass++)
                    {
                        if (raw.sqlite3_wal_checkpoint_v2(connection.Handle, null, raw.SQLITE_CHECKPOINT_PASSIVE, out _, out var copied) != raw.SQLITE_OK
                            || (before >= 0 && copied - before <= InlineRestPages))
                            break;
                        before = copied;
                    }
                }
                catch (Exception)
                {
                    // Could not open a connection (the disk): the writer copies inline, or the next wake tries again.
                }
                Volatile.Write(ref _checkpointState, Copied);
                if (_disposed)
                    return;
            }
        }
        finally
        {
            connection?.Dispose(); // closes: the database is disposed
        }
    }
}
