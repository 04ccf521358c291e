using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Tavolo.Waitlists.Notifications;

public sealed record WebhookPayload(
    string Type, string NotificationId, string WaitlistId, string WaitlistName, string WaiteeId, string Name, int PartySize,
    string? Email, string? Phone, DateTime SentAt);

/// <summary>
/// "Your table is ready" as a JSON POST to the waitlist's webhook, signed so the receiver can trust it:
/// <c>X-Tavolo-Signature: sha256=&lt;hex HMAC-SHA256 of the body with the waitlist's secret&gt;</c>, and
/// <c>X-Tavolo-Notification-Id</c> so that a receiver can drop a repeat delivery.
/// The URL is checked again before every send (scheme, literal address) and every address DNS answers is checked at
/// connect time (<see cref="CreateHandler"/>); redirects are not followed. A failure says only
/// <c>webhook answered NNN</c> or <c>webhook unreachable</c>: the owner must not get a port scanner.
/// </summary>
public sealed partial class WebhookChannel(HttpClient http, IOptions<NotificationOptions> options, TimeProvider clock, ILogger<WebhookChannel> logger)
{
    public const string SignatureHeader = "X-Tavolo-Signature";
    public const string NotificationIdHeader = "X-Tavolo-Notification-Id";
    public const string Unreachable = "webhook unreachable";

    public async Task SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var (notification, waitee, waitlist) = delivery;
        var settings = options.Value;
        if (!WebhookTargets.MaySend(notification.To, settings))
        {
            LogRefused(logger, notification.Id, "the URL's scheme or address is not allowed");
            throw new HttpRequestException(Unreachable);
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookPayload(
            NotificationMessage.TableReady, notification.Id, waitlist.Id, waitlist.Name, waitee.Id, waitee.Name, waitee.PartySize,
            waitee.Email, waitee.Phone, clock.GetUtcNow().UtcDateTime), NotificationsJson.Default.WebhookPayload);

        using var request = new HttpRequestMessage(HttpMethod.Post, notification.To) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(SignatureHeader, Sign(waitlist.WebhookSecret, body));
        request.Headers.Add(NotificationIdHeader, notification.Id);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.WebhookTimeoutSeconds));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The detail (refused address, socket or TLS error) is for the operator's log, not for lastError.
            LogRefused(logger, notification.Id, e.GetBaseException().Message);
            throw new HttpRequestException(Unreachable);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"webhook answered {(int)response.StatusCode}");
        }
    }

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>
    /// The webhook client's handler: no redirects, no proxy, no cookies, and a connect step that resolves the host
    /// through <see cref="WebhookResolver"/> and refuses to open a socket to any non-public address it answers.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(IServiceProvider services)
    {
        var resolver = services.GetRequiredService<WebhookResolver>();
        var settings = services.GetRequiredService<IOptions<NotificationOptions>>().Value;
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(settings.WebhookTimeoutSeconds),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = WebhookTargets.ParseHost(host) is { } literal ? [literal] : await resolver.ResolveAsync(host, cancellationToken);
                if (addresses.Length == 0)
                    throw new HttpRequestException($"{host} has no address.");
                if (!settings.AllowPrivateWebhookTargets && addresses.FirstOrDefault(a => !WebhookTargets.IsPublic(a)) is { } refused)
                    throw new HttpRequestException($"{host} resolves to the non-public address {refused}: refused.");
                return await ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            },
        };
    }

    private static async Task<Stream> ConnectAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook of notification {NotificationId} not delivered: {Reason}")]
    private static partial void LogRefused(ILogger logger, string notificationId, string reason);
}

/// <summary>The DNS step of a webhook connection: a seam, so that tests can answer a private address for a public name.</summary>
public class WebhookResolver
{
    public virtual Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
