using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tavolo.Tests.Security;

/// <summary>Every log line the app writes, with its message and every structured value, as text.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

    public void Dispose() { }

    private sealed class Capturing(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            owner.Lines.Enqueue($"{category} scope {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner.Lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {values} {exception}");
        }
    }
}

public sealed class LoggedApp : TavoloApp
{
    public CapturingLoggerProvider Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Log));
    }
}

public sealed class SecretsInLogsTests(LoggedApp app) : IClassFixture<LoggedApp>
{
    [Fact]
    public async Task No_password_token_or_webhook_secret_reaches_the_log()
    {
        var user = await app.NewUserAsync();
        using var anonymous = app.Anonymous();
        var refreshed = await (await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken })).ReadJsonAsync(HttpStatusCode.OK);
        using var client = app.As((string)refreshed["accessToken"]!);
        const string newPassword = "the-new-secret-pass-3";
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/users/{user.Id}", new { password = newPassword, currentPassword = user.Password })).StatusCode);
        await anonymous.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "a-wrong-guess-pass-1" });
        await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken }); // reuse: logged as a warning

        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var list = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Logged", webhookUrl = "https://hooks.example.com/x" })).ReadJsonAsync(HttpStatusCode.Created);
        var guest = await (await anonymous.PostAsJsonAsync($"/waitlists/{list["id"]}/join", new { name = "G", partySize = 2, phone = "+14155550123" })).ReadJsonAsync(HttpStatusCode.Created);
        var guestToken = (string)guest["guestToken"]!;
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/guest/{guestToken}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.DeleteAsync($"/guest/{guestToken}")).StatusCode);

        var log = string.Join("\n", app.Log.Lines);
        Assert.Contains("/guest/{guestToken}", log, StringComparison.Ordinal); // the access log is in what was captured
        string[] secrets =
        [
            user.Password, newPassword, "a-wrong-guess-pass-1", owner.Password, TavoloApp.AdminPassword, user.AccessToken, user.RefreshToken,
            (string)refreshed["accessToken"]!, (string)refreshed["refreshToken"]!, guestToken, (string)list["webhookSecret"]!,
        ];
        foreach (var secret in secrets)
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
    }
}

/// <summary>A local webhook receiver reachable (private targets allowed), and every log line captured.</summary>
public sealed class LoggedWebhookApp : SsrfApp
{
    public CapturingLoggerProvider Log { get; } = new();

    protected override bool AllowPrivate => true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Log));
    }
}

public sealed class WebhookUrlInLogsTests(LoggedWebhookApp app) : IClassFixture<LoggedWebhookApp>
{
    [Fact]
    public async Task A_webhook_urls_secret_path_never_reaches_the_log()
    {
        // Slack-style hooks carry their secret in the path; HttpClient's own logging wrote the whole URL at Information.
        using var receiver = new Tavolo.Tests.Waitlists.WebhookReceiver();
        const string secretPath = "services/T0SECRET1/B0SECRET2/XsecretXsecretXsecret";
        app.Resolver.Answers["hooks.logged.example"] = [IPAddress.Loopback];
        var notification = await app.NotifyThroughAsync($"http://hooks.logged.example:{receiver.Port}/{secretPath}");
        Assert.NotNull(notification["lastError"] ?? notification["sentAt"]); // the consumer did try it
        var log = string.Join("\n", app.Log.Lines);
        Assert.Contains("NotificationConsumer", log, StringComparison.Ordinal); // the capture saw the attempt
        Assert.DoesNotContain("T0SECRET1", log, StringComparison.Ordinal);
    }
}
