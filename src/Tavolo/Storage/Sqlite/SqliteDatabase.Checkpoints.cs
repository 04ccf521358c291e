using SQLitePCL;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// Checkpoints off the writer loop: SQLite's automatic checkpoint runs inside the commit that crosses its threshold, so
/// the writer loop (and every write waiting on it) stood still while WAL frames were copied into the database file and
/// it was fsynced. Here the writer's connection has automatic checkpoints off, counts the pages each commit wrote
/// (<c>SQLITE_DBSTATUS_CACHE_WRITE</c>), and past <see cref="CheckpointPages"/> wakes a loop of its own that runs a
/// passive checkpoint on its own connection while the writer goes on committing. A checkpoint that fails (a full disk)
/// leaves the frames in the WAL, where reads still find them; the next one copies them.
/// </summary>
public sealed partial class SqliteDatabase
{
    /// <summary>WAL pages written after which a checkpoint runs: SQLite's own automatic threshold.</summary>
    public const int CheckpointPages = 1000;

    private readonly SemaphoreSlim _checkpointDue = new(0, 1);
    private Task _checkpointer = Task.CompletedTask;
    private int _pagesSinceCheckpoint;
    private long _checkpoints;

    /// <summary>Checkpoints the background loop has completed so far.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    private void StartCheckpointer()
    {
        using (ExecutionContext.SuppressFlow())
            _checkpointer = Task.Run(RunCheckpointerAsync);
    }

    /// <summary>The writer connection's setting: no checkpoint inside its commits.</summary>
    private static void HandOverCheckpoints(PooledConnection writer) => raw.sqlite3_wal_autocheckpoint(writer.Handle, 0);

    /// <summary>After each commit on the writer's connection: counts its pages and wakes the checkpointer past the threshold.</summary>
    private void Committed(PooledConnection writer)
    {
        raw.sqlite3_db_status(writer.Handle, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var written, out _, 1); // 1: and reset
        _pagesSinceCheckpoint += written;
        if (_pagesSinceCheckpoint < CheckpointPages)
            return;
        _pagesSinceCheckpoint = 0;
        WakeCheckpointer();
    }

    private void WakeCheckpointer()
    {
        try
        {
            _checkpointDue.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already due: the running or next checkpoint takes these frames too.
        }
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
                    if (raw.sqlite3_wal_checkpoint_v2(connection.Handle, null, raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _) == raw.SQLITE_OK)
                        Interlocked.Increment(ref _checkpoints);
                }
                catch (Exception)
                {
                    // Could not open a connection (the disk): the frames wait for the next checkpoint.
                }
            }
        }
        finally
        {
            connection?.Dispose(); // closes: the database is disposed
        }
    }
}
