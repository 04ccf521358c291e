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
/// </summary>
public sealed class WebhookChannel(HttpClient http, IOptions<NotificationOptions> options, TimeProvider clock)
{
    public const string SignatureHeader = "X-Tavolo-Signature";
    public const string NotificationIdHeader = "X-Tavolo-Notification-Id";

    public async Task SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var (notification, waitee, waitlist) = delivery;
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookPayload(
            NotificationMessage.TableReady, notification.Id, waitlist.Id, waitlist.Name, waitee.Id, waitee.Name, waitee.PartySize,
            waitee.Email, waitee.Phone, clock.GetUtcNow().UtcDateTime), NotificationsJson.Default.WebhookPayload);

        using var request = new HttpRequestMessage(HttpMethod.Post, notification.To) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(SignatureHeader, Sign(waitlist.WebhookSecret, body));
        request.Headers.Add(NotificationIdHeader, notification.Id);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.WebhookTimeoutSeconds));
        using var response = await http.SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"The webhook answered {(int)response.StatusCode}.");
    }

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
