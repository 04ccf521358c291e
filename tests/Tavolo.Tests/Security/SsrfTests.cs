using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Tavolo.Tests.Waitlists;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Tests.Security;

/// <summary>A resolver that answers the test's own table first (a public-looking name with a private address: rebinding).</summary>
public sealed class TableResolver : WebhookResolver
{
    public ConcurrentDictionary<string, IPAddress[]> Answers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public override Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Answers.TryGetValue(host, out var answer) ? Task.FromResult(answer) : base.ResolveAsync(host, cancellationToken);
}

/// <summary>http webhooks allowed (so that a local receiver can stand in for an internal service), private targets not.</summary>
public class SsrfApp : TavoloApp
{
    public TableResolver Resolver { get; } = new();

    protected virtual bool AllowPrivate => false;

    protected override bool UseFakeClock => false;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:Notifications:AllowInsecureWebhooks"] = "true",
        ["Tavolo:Notifications:AllowPrivateWebhookTargets"] = AllowPrivate ? "true" : "false",
        ["Tavolo:Notifications:RunInProcess"] = "false",
        ["Tavolo:Notifications:RetryBaseSeconds"] = "0",
        ["Tavolo:Notifications:WebhookTimeoutSeconds"] = "3",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<WebhookResolver>(Resolver));
    }

    public async Task DrainOnceAsync()
    {
        var queue = Services.GetRequiredService<INotificationQueue>();
        var consumer = Services.GetRequiredService<NotificationConsumer>();
        foreach (var message in await queue.ReceiveAsync(10, consumer.Visibility, TimeSpan.Zero, default))
            await consumer.HandleAsync(message, default);
    }

    /// <summary>A waitlist with this webhook, one party notified, the consumer run once; the notification record.</summary>
    public async Task<JsonObject> NotifyThroughAsync(string webhookUrl)
    {
        var owner = await NewUserAsync("owner");
        using var staff = owner.Client();
        var list = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Hooked", webhookUrl })).ReadJsonAsync(HttpStatusCode.Created);
        var waitee = await (await staff.PostAsJsonAsync($"/waitlists/{list["id"]}/waitees", new { name = "P", partySize = 2, phone = "+14155550100" }))
            .ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Accepted, (await staff.PostAsync($"/waitlists/{list["id"]}/waitees/{waitee["id"]}/notify", null)).StatusCode);
        await DrainOnceAsync();
        var page = await (await staff.GetAsync($"/waitlists/{list["id"]}/notifications")).ReadJsonAsync(HttpStatusCode.OK);
        return page["items"]!.AsArray().Single()!.AsObject();
    }
}

public sealed class PrivateTargetsApp : SsrfApp
{
    protected override bool AllowPrivate => true;
}

public sealed class SsrfTests(SsrfApp app) : IClassFixture<SsrfApp>
{
    /// <summary>Every spelling of a non-public target: refused when saved (400).</summary>
    public static TheoryData<string> NonPublic => new()
    {
        "http://127.0.0.1/", "http://localhost:8080/", "http://LOCALHOST./", "http://api.localhost/", "http://[::1]/",
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://2130706433/", "http://0x7f000001/", "http://0x7f.1/",
        "http://127.1/", "http://0177.0.0.1/", "http://127.0.0.1.:9/", "http://0/", "http://0.0.0.0/", "http://[::]/",
        "https://169.254.169.254/latest/meta-data/", "https://[fe80::1]/", "https://10.0.0.7/", "https://172.16.3.4/",
        "https://192.168.1.1/", "https://100.64.0.1/", "https://[fd00::1]/", "https://[ff02::1]/", "https://224.0.0.1/",
        "https://[64:ff9b::7f00:1]/", "https://[2002:7f00:1::]/", "https://[::127.0.0.1]/", "https://intranet/",
        "https://metadata.google.internal/", "https://printer.local/", "https://user:pw@example.com/",
        // IPv4-translated (::ffff:0:0/96) and local-use NAT64 (64:ff9b:1::/48) forms of 127.0.0.1 and 10.0.0.1
        "https://[::ffff:0:7f00:1]/", "https://[::ffff:0:127.0.0.1]/", "https://[::ffff:0:a00:1]/", "https://[64:ff9b:1::7f00:1]/",
        "https://[64:ff9b:1:ffff::a00:1]/",
    };

    [Theory]
    [MemberData(nameof(NonPublic))]
    public async Task A_non_public_webhook_target_is_refused_when_saved(string url)
    {
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        await (await staff.PostAsJsonAsync("/waitlists", new { name = "Hook", webhookUrl = url })).AssertFieldErrorAsync("webhookUrl");
        var list = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Hook" })).ReadJsonAsync(HttpStatusCode.Created);
        await (await staff.PutAsJsonAsync($"/waitlists/{list["id"]}", new { name = "Hook", webhookUrl = url })).AssertFieldErrorAsync("webhookUrl");
        var after = await (await staff.GetAsync($"/waitlists/{list["id"]}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Null(after["webhookUrl"]);
    }

    [Fact]
    public async Task A_public_name_that_resolves_to_loopback_is_refused_at_connect_and_says_only_unreachable()
    {
        using var receiver = new WebhookReceiver();
        app.Resolver.Answers["hooks.rebind.example"] = [IPAddress.Loopback];
        var notification = await app.NotifyThroughAsync($"http://hooks.rebind.example:{receiver.Port}/hook");
        Assert.Empty(receiver.Calls);
        Assert.Equal("webhook unreachable", (string?)notification["lastError"]);
    }

    [Fact]
    public async Task An_ipv4_translated_answer_from_dns_is_refused_at_connect()
    {
        using var receiver = new WebhookReceiver();
        app.Resolver.Answers["translated.rebind.example"] = [IPAddress.Parse("::ffff:0:7f00:1")];
        var notification = await app.NotifyThroughAsync($"http://translated.rebind.example:{receiver.Port}/hook");
        Assert.Empty(receiver.Calls);
        Assert.Equal("webhook unreachable", (string?)notification["lastError"]);
    }

    [Fact]
    public async Task A_mapped_or_metadata_answer_from_dns_is_refused_too()
    {
        app.Resolver.Answers["meta.rebind.example"] = [IPAddress.Parse("::ffff:169.254.169.254")];
        var notification = await app.NotifyThroughAsync("http://meta.rebind.example/latest");
        Assert.Equal("webhook unreachable", (string?)notification["lastError"]);
    }
}

public sealed class PrivateTargetsTests(PrivateTargetsApp app) : IClassFixture<PrivateTargetsApp>
{
    [Fact]
    public async Task The_connect_step_uses_the_resolver_so_allowing_private_targets_reaches_the_local_receiver()
    {
        using var receiver = new WebhookReceiver();
        app.Resolver.Answers["hooks.local-dev.example"] = [IPAddress.Loopback];
        var notification = await app.NotifyThroughAsync($"http://hooks.local-dev.example:{receiver.Port}/hook");
        // HttpListener answers 400 itself to a Host it does not serve: that answer proves the socket reached 127.0.0.1.
        Assert.StartsWith("webhook answered 4", (string?)notification["lastError"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirects_are_not_followed_and_lastError_carries_only_the_status()
    {
        using var target = new WebhookReceiver();
        using var redirector = new WebhookReceiver { Status = 307, Location = target.Url };
        var notification = await app.NotifyThroughAsync(redirector.Url);
        Assert.Single(redirector.Calls);
        Assert.Empty(target.Calls);
        Assert.Equal("webhook answered 307", (string?)notification["lastError"]);
    }

    [Fact]
    public async Task A_closed_port_and_a_tls_failure_give_the_same_lastError()
    {
        using var plain = new WebhookReceiver(); // speaks http, so https to it fails in TLS
        var refused = await app.NotifyThroughAsync("http://127.0.0.1:1/hook");
        var tls = await app.NotifyThroughAsync($"https://127.0.0.1:{plain.Port}/hook");
        Assert.Equal("webhook unreachable", (string?)refused["lastError"]);
        Assert.Equal("webhook unreachable", (string?)tls["lastError"]);
    }
}

public sealed class InsecureAtSendApp : TavoloApp
{
    protected override bool UseFakeClock => false;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:Notifications:AllowPrivateWebhookTargets"] = "true",
        ["Tavolo:Notifications:RunInProcess"] = "false",
    };
}

public sealed class InsecureAtSendTests(InsecureAtSendApp app) : IClassFixture<InsecureAtSendApp>
{
    [Fact]
    public async Task An_http_webhook_saved_before_the_flag_was_turned_off_is_not_sent()
    {
        using var receiver = new WebhookReceiver();
        var owner = await app.NewUserAsync("owner");
        using var staff = owner.Client();
        var list = await (await staff.PostAsJsonAsync("/waitlists", new { name = "Old" })).ReadJsonAsync(HttpStatusCode.Created);
        // Saved under AllowInsecureWebhooks=true in an earlier life of the database.
        var store = app.Services.GetRequiredService<Tavolo.Waitlists.IWaitlistStore>();
        var current = (await store.FindAsync((string)list["id"]!, default))!;
        Assert.True(await store.UpdateAsync(current with { WebhookUrl = receiver.Url }, default));
        var waitee = await (await staff.PostAsJsonAsync($"/waitlists/{list["id"]}/waitees", new { name = "P", partySize = 2, phone = "+14155550100" })).ReadJsonAsync(HttpStatusCode.Created);
        await staff.PostAsync($"/waitlists/{list["id"]}/waitees/{waitee["id"]}/notify", null);
        var queue = app.Services.GetRequiredService<INotificationQueue>();
        var consumer = app.Services.GetRequiredService<NotificationConsumer>();
        foreach (var message in await queue.ReceiveAsync(10, consumer.Visibility, TimeSpan.Zero, default))
            await consumer.HandleAsync(message, default);
        Assert.Empty(receiver.Calls);
        var page = await (await staff.GetAsync($"/waitlists/{list["id"]}/notifications")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("webhook unreachable", (string?)page["items"]![0]!["lastError"]);
    }
}
