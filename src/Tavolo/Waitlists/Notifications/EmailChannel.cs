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

    public async Task SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var message = new MimeMessage
        {
            // The notification id as Message-ID: a resend after a crash carries the same id, which lets mail
            // systems that deduplicate by Message-ID drop the copy.
            MessageId = $"{delivery.Notification.Id}@tavolo",
            Subject = $"Your table at {delivery.Waitlist.Name} is ready",
            Body = new TextPart("plain")
            {
                Text = $"Hello {AsText(delivery.Waitee.Name)},\n\nyour table for {delivery.Waitee.PartySize} at {delivery.Waitlist.Name} is ready. "
                    + "Please come to the host stand.\n\n"
                    + $"Your place in line: {_publicBaseUrl}/g/{delivery.Waitee.GuestToken}\n\n— Tavolo",
            },
        };
        message.From.Add(MailboxAddress.Parse(_smtp.From));
        // The waitee's name is anyone's input (self check-in): never a header, so no display name.
        message.To.Add(new MailboxAddress(string.Empty, delivery.Notification.To));

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
    private static string AsText(string name) => string.Concat(name.Select(c => char.IsControl(c) ? ' ' : c));
}
