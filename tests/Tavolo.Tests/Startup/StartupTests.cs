using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Tavolo.Tests.Startup;

/// <summary>
/// Tavolo started as its users start it: the README's <c>dotnet run</c>, and the Native AOT binary.
/// One class, so the two builds never run at once.
/// </summary>
public sealed class StartupTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_readme_command_starts_tavolo_on_its_embedded_defaults()
    {
        // README: dotnet run --project src/Tavolo  (here from a fresh folder, so data/ lands in it).
        await using var tavolo = TavoloProcess.Start("dotnet", ["run", "--project", Path.Combine(Repository.Root, "src", "Tavolo")]);
        var coldStart = await tavolo.WaitForHealthAsync(TimeSpan.FromMinutes(3));
        output.WriteLine($"dotnet run: first healthy /health after {coldStart.TotalMilliseconds:0} ms (includes the up-to-date build check)");

        using var client = new HttpClient { BaseAddress = new Uri(tavolo.BaseUrl) };
        var email = TavoloApp.NewEmail();
        var register = await client.PostAsJsonAsync("/auth/register", new { email, password = "a-long-enough-pass-7", name = "First" });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);

        // The embedded database is created under the working directory, with production password cost.
        var database = Path.Combine(tavolo.WorkingDirectory, "data", "tavolo.db");
        Assert.True(File.Exists(database), "data/tavolo.db was not created under the working directory");
        Assert.True(File.Exists(Path.Combine(tavolo.WorkingDirectory, "data", "signing-keys.json")));
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT password_hash FROM users";
        Assert.StartsWith("pbkdf2-sha512$210000$", (string)(await command.ExecuteScalarAsync())!, StringComparison.Ordinal);
        await using var journal = connection.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)(await journal.ExecuteScalarAsync())!);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task The_native_aot_binary_publishes_and_serves_health()
    {
        // Built as `sam build` builds one function (deploy/Makefile), for this machine's architecture rather than the
        // template's arm64, so that it runs here; then started through the function's own entry point, deploy/bootstrap.
        var publishDir = Directory.CreateTempSubdirectory("tavolo-aot-").FullName;
        try
        {
            var rid = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "linux-arm64" : "linux-x64";
            var publish = await RunAsync("make",
                ["-C", Path.Combine(Repository.Root, "deploy"), "build-RestaurantsFunction", $"ARTIFACTS_DIR={publishDir}", $"TAVOLO_RID={rid}"],
                TimeSpan.FromMinutes(10));
            Assert.True(publish.ExitCode == 0, "make build-RestaurantsFunction (an AOT publish) failed (needs clang and zlib1g-dev):\n" + publish.Output);
            Assert.DoesNotMatch(@"warning (IL|CS)\d+", publish.Output); // trimming and AOT stay clean (docs/performance.md)
            var bootstrap = Path.Combine(publishDir, "bootstrap");
            Assert.True(File.Exists(bootstrap), "the build has no bootstrap, Lambda's entry point on provided.al2023");
            if (!OperatingSystem.IsWindows())
                Assert.True(File.GetUnixFileMode(bootstrap).HasFlag(UnixFileMode.UserExecute), "bootstrap is not executable");
            Assert.Empty(Directory.GetFiles(publishDir, "*.dbg")); // symbols stay out of the function's zip

            await using var tavolo = TavoloProcess.Start(bootstrap, [], new Dictionary<string, string> { ["LAMBDA_TASK_ROOT"] = publishDir });
            var coldStart = await tavolo.WaitForHealthAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"Native AOT: first healthy /health after {coldStart.TotalMilliseconds:0} ms");

            using var client = new HttpClient { BaseAddress = new Uri(tavolo.BaseUrl) };
            var email = TavoloApp.NewEmail();
            var register = await client.PostAsJsonAsync("/auth/register", new { email, password = "a-long-enough-pass-7", name = "Aot" });
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
            var login = await client.PostAsJsonAsync("/auth/login", new { email, password = "a-long-enough-pass-7" });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var bad = await client.PostAsync("/auth/login", HttpAssertions.Json("{\"email\": 1}"));
            await bad.AssertFieldErrorAsync("email");

            // A waitlist round trip through the AOT build: source-generated JSON, the queue and the consumer loop.
            var ownerEmail = TavoloApp.NewEmail("owner");
            await client.PostAsJsonAsync("/auth/register", new { email = ownerEmail, password = "a-long-enough-pass-7", name = "O", accountType = "owner" });
            var tokens = await (await client.PostAsJsonAsync("/auth/login", new { email = ownerEmail, password = "a-long-enough-pass-7" })).ReadJsonAsync(HttpStatusCode.OK);
            client.DefaultRequestHeaders.Authorization = new("Bearer", (string)tokens["accessToken"]!);
            var waitlist = await (await client.PostAsJsonAsync("/waitlists", new { name = "Aot" })).ReadJsonAsync(HttpStatusCode.Created);
            var waitee = await (await client.PostAsJsonAsync($"/waitlists/{waitlist["id"]}/waitees", new { name = "W", partySize = 2, phone = "+14155550123" }))
                .ReadJsonAsync(HttpStatusCode.Created);
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/waitlists/{waitlist["id"]}/waitees/{waitee["id"]}/notify", null)).StatusCode);
            string? status = null;
            for (var i = 0; i < 100 && status != "NOTIFIED"; i++)
            {
                await Task.Delay(50);
                status = (string?)(await (await client.GetAsync($"/waitlists/{waitlist["id"]}/waitees/{waitee["id"]}")).ReadJsonAsync(HttpStatusCode.OK))["status"];
            }
            Assert.Equal("NOTIFIED", status);

            // Promo code, order with it, and its idempotent replay: the idempotency filter serialises the bound body
            // through the source-generated JSON and buffers the response, both of which AOT must keep working.
            var me = await (await client.GetAsync("/users/me")).ReadJsonAsync(HttpStatusCode.OK);
            var promo = await (await client.PostAsJsonAsync("/promo-codes", new { ownerId = (string)me["id"]!, discountPercentage = 10, expiresAt = DateTime.UtcNow.AddDays(1), description = "Aot" }))
                .ReadJsonAsync(HttpStatusCode.Created);
            var dish = await (await client.PostAsJsonAsync($"/restaurants/{me["id"]}/menu/items", new { name = "A", price = 5m })).ReadJsonAsync(HttpStatusCode.Created);
            Assert.Single((await (await client.GetAsync($"/restaurants/{me["id"]}/menu")).ReadJsonAsync(HttpStatusCode.OK))["items"]!.AsArray());
            var basket = new { orderId = Guid.NewGuid().ToString(), restaurantId = (string)me["id"]!, items = new[] { new { menuItemId = (string)dish["id"]!, quantity = 2 } }, promoCode = (string)promo["code"]! };
            var order = await (await client.PostAsJsonAsync("/orders", basket)).ReadJsonAsync(HttpStatusCode.Created);
            Assert.Equal(9.00m, (decimal)order["total"]!);
            var replay = await client.PostAsJsonAsync("/orders", basket);
            Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
            Assert.Equal(order.ToJsonString(), (await replay.ReadJsonAsync(HttpStatusCode.Created)).ToJsonString());
            var page = await (await client.GetAsync("/promo-codes?sort=-discountPercentage&active=true")).ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(1, (int)page["items"]![0]!["redemptions"]!);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
            // The web app's files are embedded in the binary: the AOT build serves them with nothing beside it.
            var home = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
            Assert.Contains("/app/js/signin.js", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.True(home.Headers.Contains("Content-Security-Policy"));
            Assert.Contains("export async function api", await client.GetStringAsync("/app/js/api.js"), StringComparison.Ordinal);
            Assert.StartsWith("<svg", await client.GetStringAsync($"/w/{waitlist["id"]}/qr.svg"), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(publishDir, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
