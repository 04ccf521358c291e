// Storage benchmarks on the embedded SQLite home, each with its baseline measured in the same run:
//  1. producer pass with 1,000 due waitees among 10,000 (baseline) and among 1,000,000: the index on due time
//     should make the two about equal;
//  2. queue throughput, enqueue -> receive -> delete, in messages/s.
// usage: dotnet run -c Release --project bench/Tavolo.Bench [-- total-waitees, default 1000000]
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tavolo.Platform;
using Tavolo.Storage.Sqlite;
using Tavolo.Waitlists;
using Tavolo.Waitlists.Notifications;

var large = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
const int Due = 1_000;

await ProducerPassAsync(2_000); // warm-up: JIT and SQLite's first use are not part of either number
var small = await ProducerPassAsync(10_000);
var big = await ProducerPassAsync(large);
Console.WriteLine($"producer pass, {Due:N0} due of {10_000:N0}:  {small.TotalMilliseconds,8:F1} ms (baseline)");
Console.WriteLine($"producer pass, {Due:N0} due of {large:N0}: {big.TotalMilliseconds,8:F1} ms  ratio {big / small:F2}");

var (rate, count) = await QueueThroughputAsync(5_000);
Console.WriteLine($"queue: {count:N0} messages enqueue -> receive(10) -> delete: {rate:N0} messages/s");

static async Task<TimeSpan> ProducerPassAsync(int total)
{
    var (database, directory) = await NewDatabaseAsync();
    try
    {
        await SeedAsync(database, total, Due);
        var store = new SqliteWaitlistStore(database); // the waitlist store is also the notification store
        var producer = new NotificationProducer(store, new SqliteNotificationQueue(database, TimeProvider.System),
            new EmailChannel(Options.Create(new SmtpOptions()), Options.Create(new TavoloOptions())), new WaitlistChanges(),
            TimeProvider.System, NullLogger<NotificationProducer>.Instance);
        var clock = Stopwatch.StartNew();
        var queued = await producer.RunOnceAsync(CancellationToken.None);
        var elapsed = clock.Elapsed;
        if (queued != Due)
            throw new InvalidOperationException($"queued {queued}, expected {Due}");
        return elapsed;
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

static async Task<(double Rate, int Count)> QueueThroughputAsync(int count)
{
    var (database, directory) = await NewDatabaseAsync();
    try
    {
        var queue = new SqliteNotificationQueue(database, TimeProvider.System);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
            await queue.EnqueueAsync(NotificationMessage.Serialize("n" + i), CancellationToken.None);
        var handled = 0;
        while (handled < count)
        {
            foreach (var message in await queue.ReceiveAsync(10, TimeSpan.FromSeconds(30), TimeSpan.Zero, CancellationToken.None))
            {
                await queue.DeleteAsync(message.ReceiptHandle, CancellationToken.None);
                handled++;
            }
        }
        return (count / clock.Elapsed.TotalSeconds, count);
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

static async Task<(SqliteDatabase, string)> NewDatabaseAsync()
{
    var directory = Directory.CreateTempSubdirectory("tavolo-bench-").FullName;
    var options = new TavoloOptions();
    options.Sqlite.Path = Path.Combine(directory, "bench.db");
    var database = new SqliteDatabase(Options.Create(options));
    await database.MigrateAsync();
    return (database, directory);
}

// One waitlist per 100 parties; the first `due` waitees are due, the rest wait without a notify time or are seated.
static async Task SeedAsync(SqliteDatabase database, int total, int due)
{
    await using var connection = await database.OpenAsync();
    await using var transaction = connection.BeginTransaction();
    var now = DateTime.UtcNow;
    await using var list = connection.Command(
        "INSERT INTO waitlists (id, owner_id, name, average_wait_minutes, is_open, webhook_secret, created_at, updated_at) VALUES ($id, 'owner', 'Bench', 10, 1, 's', $t, $t);",
        ("$id", ""), ("$t", Sql.Time(now)));
    await using var waitee = connection.Command(
        """
        INSERT INTO waitees (id, waitlist_id, name, party_size, phone, status, notify_at, due_at, joined_at, guest_token, position_at_join)
        VALUES ($id, $list, 'Party', 2, '+14155550123', $status, $due, $due, $joined, $id, 1);
        """, ("$id", ""), ("$list", ""), ("$status", ""), ("$due", null), ("$joined", Sql.Time(now)));
    for (var i = 0; i < total; i++)
    {
        var listId = "list" + (i / 100).ToString(CultureInfo.InvariantCulture);
        if (i % 100 == 0)
        {
            list.Parameters["$id"].Value = listId;
            await list.ExecuteNonQueryAsync();
        }
        waitee.Parameters["$id"].Value = "w" + i.ToString(CultureInfo.InvariantCulture);
        waitee.Parameters["$list"].Value = listId;
        waitee.Parameters["$status"].Value = i < due || i % 2 == 0 ? "WAITING" : "SEATED";
        waitee.Parameters["$due"].Value = i < due ? Sql.Time(now.AddMinutes(-1)) : i % 3 == 0 ? Sql.Time(now.AddHours(2)) : DBNull.Value;
        await waitee.ExecuteNonQueryAsync();
    }
    await transaction.CommitAsync();
}
