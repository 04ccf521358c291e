using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Tavolo.Waitlists.Notifications;

/// <summary>"Your table is ready" by email over SMTP (any server; Amazon SES's SMTP endpoint on AWS).</summary>
public sealed class EmailChannel(IOptions<SmtpOptions> smtp, IOptions<Platform.TavoloOptions> options)
{
    private readonly SmtpOptions _smtp = smtp.Value;
    private readonly string _publicBaseUrl = options.Value.PublicUrl;

    public bool Enabled => _smtp.Enabled;

    // The notification id as Message-ID: a resend after a crash carries the same id, which lets mail systems that
    // deduplicate by Message-ID drop the copy.
    public Task SendAsync(Delivery delivery, CancellationToken cancellationToken) => SendTextAsync(
        delivery.Notification.To, $"Your table at {AsText(delivery.Waitlist.Name)} is ready",
        $"Hello {AsText(delivery.Waitee.Name)},\n\nyour table for {delivery.Waitee.PartySize} at {delivery.Waitlist.Name} is ready. "
            + "Please come to the host stand.\n\n"
            + $"Your place in line: {_publicBaseUrl}/g/{delivery.Waitee.GuestToken}\n\n— Tavolo",
        $"{delivery.Notification.Id}@tavolo", cancellationToken);

    /// <summary>A plain-text email to one address; <paramref name="subject"/> must already be one line (<see cref="AsText"/>).</summary>
    public async Task SendTextAsync(string to, string subject, string text, string messageId, CancellationToken cancellationToken)
    {
        var message = new MimeMessage { MessageId = messageId, Subject = subject, Body = new TextPart("plain") { Text = text } };
        message.From.Add(MailboxAddress.Parse(_smtp.From));
        // Names are anyone's input (self check-in): never a header, so no display name.
        message.To.Add(new MailboxAddress(string.Empty, to));

        using var client = new SmtpClient { Timeout = 15_000 };
        var security = _smtp.Security.ToLowerInvariant() switch
        {
            "none" => SecureSocketOptions.None,
            "sslonconnect" => SecureSocketOptions.SslOnConnect,
            "auto" => SecureSocketOptions.Auto,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(_smtp.Host!, _smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(_smtp.Username))
            await client.AuthenticateAsync(_smtp.Username, _smtp.Password ?? "", cancellationToken);
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    /// <summary>A name as one line of plain text: control characters (line breaks included) become spaces.</summary>
    public static string AsText(string name) => string.Concat(name.Select(c => char.IsControl(c) ? ' ' : c));
}
