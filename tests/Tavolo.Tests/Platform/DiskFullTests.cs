#if !AWS_BACKENDS // the SQLite file's own disk
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Tavolo.Tests.Orders;

namespace Tavolo.Tests.Platform;

/// <summary>
/// The app with its database on a 4 MiB tmpfs of its own, so a test can fill the disk and free it again. Mounting
/// needs root (CI runs as root); elsewhere the tests are skipped with <see cref="RootFactAttribute"/>'s message.
/// </summary>
public sealed class SmallDiskApp : TavoloApp
{
    // A field initialiser runs before the base constructor, which starts the server with these settings.
    private readonly string _mount = MountSmallDisk();

    public string Mount => _mount;

    public string Filler => Path.Combine(_mount, "filler");

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Tavolo:Sqlite:Path"] = Path.Combine(_mount, "tavolo.db") };

    /// <summary>Writes until the disk says it is full (ENOSPC), in ever smaller blocks so that no byte is left.</summary>
    public void FillDisk()
    {
        using var file = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var size in new[] { 64 * 1024, 4096, 512, 1 })
        {
            var block = new byte[size];
            try
            {
                while (true)
                    file.Write(block);
            }
            catch (IOException) { }
        }
    }

    public void FreeDisk() => File.Delete(Filler);

    private static string MountSmallDisk()
    {
        var folder = Directory.CreateTempSubdirectory("tavolo-disk-").FullName;
        if (RootFactAttribute.IsRoot)
            Run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", folder);
        return folder;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (RootFactAttribute.IsRoot)
        {
            try { Run("umount", "--lazy", _mount); }
            catch (InvalidOperationException) { } // already gone: nothing to leave behind
        }
        try { Directory.Delete(_mount, recursive: true); } catch (IOException) { }
    }

    private static void Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: {process.StandardError.ReadToEnd()}");
    }
}

/// <summary>A test that needs root (to mount a size-limited tmpfs); skipped, saying so, when not root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && Environment.UserName == "root";

    public RootFactAttribute()
    {
        if (!IsRoot)
            Skip = "Needs root to mount a 4 MiB tmpfs for a full disk: run as root (CI does), e.g. sudo ./test.sh.";
    }
}

public sealed class DiskFullTests(SmallDiskApp app) : IClassFixture<SmallDiskApp>
{
    [RootFact]
    public async Task A_full_disk_turns_writes_into_503_keeps_reads_working_and_recovers_when_space_returns()
    {
        var restaurant = await app.NewUserAsync("owner");
        var customer = await app.NewUserAsync();
        using var client = customer.Client();
        var placed = await client.PlaceAsync(restaurant.Id);

        app.FillDisk();
        var created = new List<string>();
        object? refusedBasket = null;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 3000 && refused is null; i++) // SQLite first fills the room its files already have
        {
            var basket = Orders.Orders.Basket(restaurant.Id);
            var response = await client.PostAsJsonAsync("/orders", basket);
            if (response.StatusCode == HttpStatusCode.Created)
                created.Add((string)(await response.ReadJsonAsync(HttpStatusCode.Created))["orderId"]!);
            else
                (refused, refusedBasket) = (response, basket);
        }
        Assert.NotNull(refused);
        var problem = await refused!.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 without Retry-After");
        Assert.Contains("disk", (string)problem["detail"]!, StringComparison.OrdinalIgnoreCase);

        // Reads go on: the orders acknowledged before, a list, health.
        await (await client.GetAsync($"/orders/{placed["orderId"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(created.Count + 1, (await client.ListAllAsync("/orders")).Count); // nothing half-written: the refused order is not there
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health/live")).StatusCode);

        // Space returns: writes work again, with no restart; the refused order can be placed with its own key.
        app.FreeDisk();
        app.Clock.Advance(TimeSpan.FromSeconds(61)); // a claim the failed request could not release has lapsed
        await (await client.PostAsJsonAsync("/orders", refusedBasket)).ReadJsonAsync(HttpStatusCode.Created);
        await client.PlaceAsync(restaurant.Id);
        Assert.Equal(created.Count + 3, (await client.ListAllAsync("/orders")).Count);
    }
}
#endif
