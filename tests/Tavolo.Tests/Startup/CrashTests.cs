#if !AWS_BACKENDS // processes on SQLite files: once, in Tavolo.Tests
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tavolo.Tests.Orders;
using Tavolo.Tests.Waitlists;
using Xunit.Abstractions;

namespace Tavolo.Tests.Startup;

/// <summary>
/// A real Tavolo process on a real SQLite file under concurrent writes, stopped the hard way (SIGKILL), the polite way
/// (SIGTERM), and backed up while it serves. Each test drives <see cref="Load"/> and checks the data afterwards.
/// </summary>
public sealed partial class CrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("tavolo-crash-").FullName;
    private readonly SmtpSink _smtp = new();

    private Dictionary<string, string> Environment(string? data = null) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Tavolo__Sqlite__Path"] = Path.Combine(data ?? _data, "tavolo.db"),
        ["Tavolo__Auth__PasswordIterations"] = "1000",
        ["Tavolo__RateLimits__PerAddressPerMinute"] = "1000000",
        ["Tavolo__Auth__LoginMaxFailuresPerAddress"] = "1000000",
        ["Tavolo__Idempotency__InFlightSeconds"] = "2", // a killed request's key frees up quickly for the retries
        ["Tavolo__Smtp__Host"] = "127.0.0.1",
        ["Tavolo__Smtp__Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tavolo__Smtp__Security"] = "None",
        ["Tavolo__Notifications__VisibilitySeconds"] = "2",
        ["Tavolo__Notifications__RetryBaseSeconds"] = "1",
        ["Tavolo__Notifications__ProducerIntervalSeconds"] = "5", // re-enqueues outbox rows a killed pass left (after a minute)
    };

    [Fact]
    public async Task Kill_9_under_write_load_loses_no_acknowledged_write_and_duplicates_nothing()
    {
        await using var first = TavoloProcess.StartBuilt(Environment());
        await first.WaitForHealthAsync(TimeSpan.FromSeconds(60));
        var (owner, customer) = (await SignUpAsync(first, "owner"), await SignUpAsync(first, "customer"));
        var waitlistId = (string)(await (await owner.PostAsJsonAsync("/waitlists", new { name = "Da Mario" })).ReadJsonAsync(HttpStatusCode.Created))["id"]!;

        var load = new Load(first, owner, customer, waitlistId, orderWorkers: 12, waiteeWorkers: 4);
        await load.RunUntilAsync(ordersAcknowledged: 150, then: first.KillAsync);

        await using var second = TavoloProcess.StartBuilt(Environment());
        await second.WaitForHealthAsync(TimeSpan.FromSeconds(60));
        using var customerAgain = await SignInAsync(second, load.CustomerEmail);
        using var ownerAgain = await SignInAsync(second, load.OwnerEmail);

        // Every acknowledged order is there as it was acknowledged.
        var lost = 0;
        foreach (var order in load.Orders.Where(o => o.Acknowledged is not null))
        {
            var stored = await customerAgain.GetAsync($"/orders/{order.OrderId}");
            if (stored.StatusCode != HttpStatusCode.OK || (await stored.Content.ReadAsStringAsync()) != order.Acknowledged)
                lost++;
        }

        // Retrying every attempt with its key: a replay of what exists, or its first creation; never a second order.
        var (replayed, createdOnRetry, duplicated) = (0, 0, 0);
        foreach (var order in load.Orders)
        {
            var before = await customerAgain.GetAsync($"/orders/{order.OrderId}");
            var existing = before.StatusCode == HttpStatusCode.OK ? await before.Content.ReadAsStringAsync() : null;
            var retry = await RetryAsync(customerAgain, order.Body);
            var body = await retry.Content.ReadAsStringAsync();
            Assert.True(retry.StatusCode == HttpStatusCode.Created, $"retry of {order.OrderId}: {(int)retry.StatusCode} {body}");
            if (existing is not null)
            {
                if (!retry.Headers.Contains("Idempotent-Replayed") || JsonNode.Parse(body)!["createdAt"]!.ToString() != JsonNode.Parse(existing)!["createdAt"]!.ToString())
                    duplicated++;
                replayed++;
            }
            else
            {
                createdOnRetry++;
            }
        }
        var listed = await customerAgain.ListAllAsync("/orders");
        Assert.Equal(load.Orders.Count, listed.Count); // one order per attempted orderId, each exactly once
        Assert.Equal(load.Orders.Count, listed.Select(o => (string)o["orderId"]!).Distinct().Count());

        // Every acknowledged waitee is there; the pipeline resumes and tells each notified party once.
        foreach (var waitee in load.Waitees.Where(w => w.Added))
            Assert.Equal(HttpStatusCode.OK, (await ownerAgain.GetAsync($"/waitlists/{waitlistId}/waitees/{waitee.Id}")).StatusCode);
        var notified = load.Waitees.Where(w => w.NotifyAcknowledged).ToList();
        foreach (var waitee in notified)
            await _smtp.WaitForAsync(m => m.To == waitee.Email, 1, TimeSpan.FromSeconds(100)); // a stranded outbox row waits a minute
        var mails = _smtp.Messages.ToList();
        var notifiedTwice = load.Waitees.Count(w => mails.Where(m => m.To == w.Email).Select(m => MessageId(m.Data)).Distinct().Count() > 1);
        var copies = mails.Count - mails.Select(m => MessageId(m.Data)).Distinct().Count();
        var unnotified = notified.Count(w => !mails.Any(m => m.To == w.Email));

        var acknowledged = load.Orders.Count(o => o.Acknowledged is not null);
        output.WriteLine($"kill -9 under load: orders attempted {load.Orders.Count}, acknowledged {acknowledged}, unanswered at the kill {load.Orders.Count - acknowledged - load.Orders.Count(o => o.Refused)}, refused {load.Orders.Count(o => o.Refused)}; " +
            $"after restart lost {lost}, retries replayed {replayed}, created on retry {createdOnRetry}, duplicated {duplicated}; " +
            $"waitees added {load.Waitees.Count(w => w.Added)}, notify acknowledged {notified.Count}, emails {mails.Count}, parties told twice {notifiedTwice}, " +
            $"same-Message-ID copies {copies}, acknowledged but never told {unnotified}");
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
        Assert.Equal(0, notifiedTwice);
        Assert.Equal(0, unnotified);
        Assert.True(acknowledged >= 150);
    }

    [Fact]
    public async Task Sigterm_lets_in_flight_requests_finish_stops_the_loops_and_exits_0()
    {
        var environment = Environment();
        environment["Tavolo__Auth__PasswordIterations"] = "100000"; // each registration takes a while: they are in flight at the signal
        await using var tavolo = TavoloProcess.StartBuilt(environment);
        await tavolo.WaitForHealthAsync(TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri(tavolo.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var emails = Enumerable.Range(0, 8).Select(_ => TavoloApp.NewEmail()).ToList();
        var registrations = emails.Select(email => client.PostAsJsonAsync("/auth/register", new { email, password = "a-long-enough-pass-7", name = "Late" })).ToList();
        await Task.WhenAny(registrations); // the server is busy with the others now

        var took = await tavolo.TerminateAsync(TimeSpan.FromSeconds(35));
        var answers = await Task.WhenAll(registrations);
        output.WriteLine($"SIGTERM with {registrations.Count} registrations in flight: exit {tavolo.ExitCode} after {took.TotalMilliseconds:0} ms; answers {string.Join(", ", answers.Select(a => (int)a.StatusCode))}");
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Equal(0, tavolo.ExitCode);
        Assert.True(took < TimeSpan.FromSeconds(30), $"took {took} (the host's shutdown timeout is 30 s)");
        Assert.Contains("Application is shutting down", tavolo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"LogLevel\":\"Error\"", tavolo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"LogLevel\":\"Critical\"", tavolo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backup_taken_under_load_restores_every_write_acknowledged_before_it()
    {
        await using var live = TavoloProcess.StartBuilt(Environment());
        await live.WaitForHealthAsync(TimeSpan.FromSeconds(60));
        var (owner, customer) = (await SignUpAsync(live, "owner"), await SignUpAsync(live, "customer"));
        var waitlistId = (string)(await (await owner.PostAsJsonAsync("/waitlists", new { name = "Da Mario" })).ReadJsonAsync(HttpStatusCode.Created))["id"]!;
        var backup = Path.Combine(_data, "backups", "tavolo-backup.db");
        List<string> acknowledgedBefore = [];
        var load = new Load(live, owner, customer, waitlistId, orderWorkers: 4, waiteeWorkers: 1);
        await load.RunUntilAsync(ordersAcknowledged: 60, then: async () =>
        {
            acknowledgedBefore = load.Orders.Where(o => o.Acknowledged is not null).Select(o => o.OrderId).ToList();
            await using var command = TavoloProcess.StartBuilt(Environment(), "backup", backup); // while the load goes on
            var exit = await command.WaitForExitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine(command.Output.Trim());
            Assert.Equal(0, exit);
        });

        // Restore (docs/operations.md): the backup becomes tavolo.db of a data folder that keeps its keys and secret.
        var restored = Directory.CreateDirectory(Path.Combine(_data, "restored")).FullName;
        File.Copy(backup, Path.Combine(restored, "tavolo.db"));
        foreach (var kept in new[] { "signing-keys.json", "server.secret" }.Where(f => File.Exists(Path.Combine(_data, f)))) // the secret is made on first use
            File.Copy(Path.Combine(_data, kept), Path.Combine(restored, kept));
        await using var again = TavoloProcess.StartBuilt(Environment(restored));
        await again.WaitForHealthAsync(TimeSpan.FromSeconds(60));
        using var customerAgain = await SignInAsync(again, load.CustomerEmail);
        var missing = 0;
        foreach (var orderId in acknowledgedBefore)
        {
            if ((await customerAgain.GetAsync($"/orders/{orderId}")).StatusCode != HttpStatusCode.OK)
                missing++;
        }
        var inBackup = (await customerAgain.ListAllAsync("/orders")).Count;
        output.WriteLine($"backup under load: {acknowledgedBefore.Count} orders acknowledged before it began, {missing} missing after restore; " +
            $"{inBackup} in the backup, {load.Orders.Count(o => o.Acknowledged is not null)} acknowledged by the end of the load");
        Assert.Equal(0, missing);
        Assert.True(inBackup >= acknowledgedBefore.Count);
    }

    /// <summary>Waits out a 409 (the killed attempt's key still leased) as the client is told to, with Retry-After.</summary>
    private static async Task<HttpResponseMessage> RetryAsync(HttpClient client, string body)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await client.PostAsync("/orders", HttpAssertions.Json(body));
            if (response.StatusCode != HttpStatusCode.Conflict || attempt == 10)
                return response;
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    private static string MessageId(string data) => MessageIdLine().Match(data).Groups[1].Value;

    [GeneratedRegex(@"(?im)^Message-ID:\s*<?([^>\r\n]+)>?")]
    private static partial Regex MessageIdLine();

    private static readonly ConcurrentDictionary<string, string> Emails = new();

    private static async Task<HttpClient> SignUpAsync(TavoloProcess tavolo, string accountType)
    {
        var email = TavoloApp.NewEmail(accountType);
        using var anonymous = new HttpClient { BaseAddress = new Uri(tavolo.BaseUrl) };
        var user = await (await anonymous.PostAsJsonAsync("/auth/register", new { email, password = "a-long-enough-pass-7", name = "Crash " + accountType, accountType }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var client = await SignInAsync(tavolo, email);
        Emails[(string)user["id"]!] = email;
        client.DefaultRequestHeaders.Add("X-Test-User", (string)user["id"]!);
        return client;
    }

    private static async Task<HttpClient> SignInAsync(TavoloProcess tavolo, string email)
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(tavolo.BaseUrl) };
        var tokens = await (await anonymous.PostAsJsonAsync("/auth/login", new { email, password = "a-long-enough-pass-7" })).ReadJsonAsync(HttpStatusCode.OK);
        var client = new HttpClient { BaseAddress = new Uri(tavolo.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)tokens["accessToken"]!);
        return client;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>xUnit 2 calls this (not <c>IAsyncDisposable</c>) on a test class: the data folder goes with the test.</summary>
    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    /// <summary>
    /// Concurrent writers: order workers place new orders (each attempt remembered with its body and, if answered, the
    /// acknowledged order); waitee workers add a party with an email and tell it its table is ready.
    /// </summary>
    private sealed class Load(TavoloProcess tavolo, HttpClient owner, HttpClient customer, string waitlistId, int orderWorkers, int waiteeWorkers)
    {
        public ConcurrentQueue<OrderAttempt> Orders { get; } = new();

        public ConcurrentQueue<WaiteeAttempt> Waitees { get; } = new();

        public string OwnerEmail => Emails[Id(owner)];

        public string CustomerEmail => Emails[Id(customer)];

        private static string Id(HttpClient client) => client.DefaultRequestHeaders.GetValues("X-Test-User").Single();

        /// <summary>Runs the writers until <paramref name="ordersAcknowledged"/> orders were acknowledged, runs <paramref name="then"/> mid-load, then stops them.</summary>
        public async Task RunUntilAsync(int ordersAcknowledged, Func<Task> then)
        {
            using var stop = new CancellationTokenSource();
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var acknowledged = 0;
            var workers = Enumerable.Range(0, orderWorkers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested && !tavolo.HasExited)
                {
                    var body = System.Text.Json.JsonSerializer.Serialize(Tavolo.Tests.Orders.Orders.Basket(Id(owner)), HttpAssertions.Web);
                    var attempt = new OrderAttempt((string)JsonNode.Parse(body)!["orderId"]!, body);
                    Orders.Enqueue(attempt);
                    try
                    {
                        var response = await customer.PostAsync("/orders", HttpAssertions.Json(body));
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            attempt.Acknowledged = await response.Content.ReadAsStringAsync();
                            if (Interlocked.Increment(ref acknowledged) == ordersAcknowledged)
                                reached.TrySetResult();
                        }
                        else
                        {
                            attempt.Refused = true;
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the process is gone: this attempt was in flight (or refused at the door)
                    }
                }
            })).Concat(Enumerable.Range(0, waiteeWorkers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested && !tavolo.HasExited)
                {
                    var attempt = new WaiteeAttempt(TavoloApp.NewEmail("guest"));
                    Waitees.Enqueue(attempt);
                    try
                    {
                        var added = await owner.PostAsJsonAsync($"/waitlists/{waitlistId}/waitees", new { name = "Rossi", partySize = 2, email = attempt.Email });
                        if (added.StatusCode != HttpStatusCode.Created)
                            continue;
                        attempt.Id = (string)(await added.ReadJsonAsync(HttpStatusCode.Created))["id"]!;
                        attempt.Added = true;
                        var notify = await owner.PostAsync($"/waitlists/{waitlistId}/waitees/{attempt.Id}/notify", null);
                        attempt.NotifyAcknowledged = notify.StatusCode == HttpStatusCode.Accepted;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return;
                    }
                }
            }))).ToList();
            try
            {
                await reached.Task.WaitAsync(TimeSpan.FromSeconds(120));
                await then();
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(workers);
            }
        }
    }

    private sealed class OrderAttempt(string orderId, string body)
    {
        public string OrderId { get; } = orderId;

        public string Body { get; } = body;

        /// <summary>The 201 body, when the client got one.</summary>
        public string? Acknowledged { get; set; }

        /// <summary>Answered with something other than 201 (none expected).</summary>
        public bool Refused { get; set; }
    }

    private sealed class WaiteeAttempt(string email)
    {
        public string Email { get; } = email;

        public string? Id { get; set; }

        public bool Added { get; set; }

        public bool NotifyAcknowledged { get; set; }
    }
}
#endif
