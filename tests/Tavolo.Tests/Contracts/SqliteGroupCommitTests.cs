using Tavolo.Storage.Sqlite;

namespace Tavolo.Tests.Contracts;

/// <summary>
/// The writer loop of <see cref="SqliteDatabase"/>: waiting writes share one commit, side by side, and when one throws the
/// others run again each in its own savepoint.
/// </summary>
public sealed class SqliteGroupCommitTests(SqliteFixture sqlite) : IClassFixture<SqliteFixture>
{
    private SqliteDatabase Database => sqlite.Database;

    [Fact]
    public async Task Writes_queued_behind_a_busy_writer_commit_together_in_batches_of_at_most_the_cap()
    {
        var prefix = await NewTableAsync();
        var (held, release) = await HoldWriterAsync();
        var before = Database.Commits;
        var writes = Enumerable.Range(0, 200).Select(i => InsertAsync(prefix + i)).ToList();
        release.SetResult();
        await held;
        await Task.WhenAll(writes);

        Assert.Equal(200, await CountAsync(prefix));
        // The held batch, then 200 waiting writes in batches of 64: 1 + 4 commits, not 200.
        Assert.InRange(Database.Commits - before, 2, 1 + (200 + SqliteDatabase.MaxBatch - 1) / SqliteDatabase.MaxBatch);
    }

    [Fact]
    public async Task Concurrent_writes_from_many_tasks_all_commit_in_fewer_commits_than_writes()
    {
        var prefix = await NewTableAsync();
        var before = Database.Commits;
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => InsertAsync(prefix + i))));

        Assert.Equal(200, await CountAsync(prefix));
        Assert.True(Database.Commits - before < 200, $"{Database.Commits - before} commits for 200 writes");
    }

    [Fact]
    public async Task A_write_is_readable_from_another_connection_as_soon_as_its_task_completes()
    {
        var prefix = await NewTableAsync();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            await InsertAsync(prefix + i + ".");
            Assert.Equal(1, await CountAsync(prefix + i + "."));
        })));
    }

    [Fact]
    public async Task A_write_that_throws_rolls_back_only_its_own_changes_while_its_batch_mates_commit()
    {
        var prefix = await NewTableAsync();
        var (held, release) = await HoldWriterAsync();
        var before = Database.Commits;
        var first = InsertAsync(prefix + "a");
        var failing = Database.WriteAsync<int>(async (connection, token) =>
        {
            await connection.ExecuteAsync("INSERT INTO batch_rows (id) VALUES ($id);", token, ("$id", prefix + "b"));
            throw new InvalidOperationException("refused");
        }, default);
        var last = InsertAsync(prefix + "c");
        release.SetResult();
        await held;

        await first;
        await last;
        Assert.Equal("refused", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        Assert.Equal(1, await CountAsync(prefix + "a"));
        Assert.Equal(0, await CountAsync(prefix + "b"));
        Assert.Equal(1, await CountAsync(prefix + "c"));
        Assert.Equal(2, Database.Commits - before); // the held batch, then the three together
    }

    [Fact]
    public async Task A_batch_runs_each_write_once_and_again_only_when_a_batch_mate_throws()
    {
        var prefix = await NewTableAsync();
        var runs = new int[3];
        Task<int> Counted(int i, string id) => Database.WriteAsync((connection, token) =>
        {
            Interlocked.Increment(ref runs[i]);
            return connection.ExecuteAsync("INSERT INTO batch_rows (id) VALUES ($id);", token, ("$id", id));
        }, default);

        var (held, release) = await HoldWriterAsync();
        var quiet = new[] { Counted(0, prefix + "a"), Counted(1, prefix + "b") };
        release.SetResult();
        await held;
        await Task.WhenAll(quiet);
        Assert.Equal([1, 1], runs[..2]); // no batch mate threw: each ran once

        (held, release) = await HoldWriterAsync();
        var before = Counted(2, prefix + "c");
        var failing = Database.WriteAsync<int>(async (connection, token) =>
        {
            await connection.ExecuteAsync("INSERT INTO batch_rows (id) VALUES ($id);", token, ("$id", prefix + "d"));
            throw new InvalidOperationException("refused");
        }, default);
        release.SetResult();
        await held;
        Assert.Equal(1, await before); // its first run was rolled back with the thrower's insert; a second insert of "c" would have failed
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal(2, runs[2]);
        Assert.Equal(3, await CountAsync(prefix));
    }

    [Fact]
    public async Task A_write_that_ends_the_transaction_fails_every_write_of_its_batch_and_the_next_batch_commits()
    {
        var prefix = await NewTableAsync();
        var (held, release) = await HoldWriterAsync();
        var first = InsertAsync(prefix + "a");
        var breaking = Database.WriteAsync((connection, token) => connection.ExecuteAsync("ROLLBACK;", token), default);
        var last = InsertAsync(prefix + "c");
        release.SetResult();
        await held;

        await Assert.ThrowsAnyAsync<Exception>(() => first);
        await Assert.ThrowsAnyAsync<Exception>(() => breaking);
        await Assert.ThrowsAnyAsync<Exception>(() => last);
        Assert.Equal(0, await CountAsync(prefix));
        await InsertAsync(prefix + "d");
        Assert.Equal(1, await CountAsync(prefix + "d"));
    }

    [Fact]
    public async Task A_write_that_closes_the_writers_connection_fails_its_batch_and_the_next_write_gets_a_fresh_one()
    {
        var prefix = await NewTableAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => Database.WriteAsync((connection, _) =>
        {
            connection.Close();
            return Task.CompletedTask;
        }, default));
        await InsertAsync(prefix + "after");
        Assert.Equal(1, await CountAsync(prefix + "after"));
    }

    [Fact]
    public async Task A_write_cancelled_before_it_runs_is_skipped()
    {
        var prefix = await NewTableAsync();
        var (held, release) = await HoldWriterAsync();
        using var cancel = new CancellationTokenSource();
        var cancelled = Database.WriteAsync(
            (connection, token) => connection.ExecuteAsync("INSERT INTO batch_rows (id) VALUES ($id);", token, ("$id", prefix + "x")), cancel.Token);
        var other = InsertAsync(prefix + "y");
        await cancel.CancelAsync();
        release.SetResult();
        await held;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await other;
        Assert.Equal(0, await CountAsync(prefix + "x"));
        Assert.Equal(1, await CountAsync(prefix + "y"));
    }

    [Fact]
    public async Task A_write_cannot_queue_another_write_it_would_wait_for()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Database.WriteAsync((_, token) => Database.WriteAsync((_, _) => Task.CompletedTask, token), default).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Disposing_with_writes_queued_lets_the_running_batch_commit_and_fails_the_rest_without_hanging()
    {
        var own = new SqliteFixture(); // its own file: this database is disposed
        await own.InitializeAsync();
        try
        {
            var database = own.Database;
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var held = database.WriteAsync(async (connection, token) =>
            {
                started.SetResult();
                await release.Task;
                await connection.ExecuteAsync("CREATE TABLE kept (id TEXT);", token);
            }, default);
            await started.Task;
            var queued = Enumerable.Range(0, 10)
                .Select(_ => database.WriteAsync((connection, token) => connection.ExecuteAsync("SELECT 1;", token), default)).ToList();

            var disposing = database.DisposeAsync().AsTask();
            release.SetResult();
            await disposing.WaitAsync(TimeSpan.FromSeconds(30));

            await held;
            foreach (var write in queued)
                await Assert.ThrowsAsync<ObjectDisposedException>(() => write);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => database.WriteAsync((_, _) => Task.CompletedTask, default));
            database.Dispose(); // twice is harmless
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    /// <summary>A write that keeps the writer busy until released, so that the next writes queue up behind it.</summary>
    private async Task<(Task Held, TaskCompletionSource Release)> HoldWriterAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Database.WriteAsync(async (_, _) =>
        {
            started.SetResult();
            await release.Task;
        }, default);
        await started.Task;
        return (held, release);
    }

    private async Task<string> NewTableAsync()
    {
        await Database.WriteAsync((connection, token) => connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS batch_rows (id TEXT PRIMARY KEY);", token), default);
        return Guid.NewGuid().ToString("N") + "-";
    }

    private Task<int> InsertAsync(string id) =>
        Database.WriteAsync((connection, token) => connection.ExecuteAsync("INSERT INTO batch_rows (id) VALUES ($id);", token, ("$id", id)), default);

    private async Task<long> CountAsync(string idPrefix)
    {
        await using var connection = await Database.OpenAsync();
        return (long)(await connection.ScalarAsync(
            "SELECT COUNT(*) FROM batch_rows WHERE substr(id, 1, length($prefix)) = $prefix;", default, ("$prefix", idPrefix)))!;
    }
}
