namespace Tavolo.Waitlists.Notifications;

/// <summary><c>Tavolo__Notifications__*</c>, bound by <see cref="WaitlistsModule"/>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Tavolo:Notifications";

    /// <summary>How often the local producer looks for due waitees.</summary>
    public int ProducerIntervalSeconds { get; set; } = 60;

    /// <summary>How long a received message stays invisible (and a send attempt holds its lease).</summary>
    public int VisibilitySeconds { get; set; } = 30;

    /// <summary>Back-off before retry n is this × 2^(n-1) seconds, capped at 5 minutes.</summary>
    public int RetryBaseSeconds { get; set; } = 5;

    public int WebhookTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Messages one consumer sends side by side (the local loop; an SQS batch on Lambda): one slow or dead target holds
    /// one of them, never the others.
    /// </summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>
    /// How long one send attempt (any channel) may take before it counts as failed and is retried with back-off; kept
    /// under the send lease (90 % of the visibility timeout), so a copy of the message can never be sent beside it.
    /// </summary>
    public int AttemptTimeoutSeconds { get; set; } = 15;

    public TimeSpan AttemptTimeout => TimeSpan.FromSeconds(Math.Clamp(AttemptTimeoutSeconds, 1, Math.Max(1, VisibilitySeconds * 8 / 10)));

    /// <summary>Allow http:// webhooks (local development and tests only; https otherwise). Checked on save and on send.</summary>
    public bool AllowInsecureWebhooks { get; set; }

    /// <summary>Allow webhooks to loopback, private and other non-public addresses (a local receiver in development).</summary>
    public bool AllowPrivateWebhookTargets { get; set; }

    /// <summary>Run the producer and consumer loops in this process (local and container hosting).</summary>
    public bool RunInProcess { get; set; } = true;

    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(300, RetryBaseSeconds * Math.Pow(2, Math.Max(0, attempt - 1))));
}

/// <summary><c>Tavolo__Smtp__*</c>, bound by <see cref="WaitlistsModule"/>.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Tavolo:Smtp";

    /// <summary>Unset: no email channel (notifications stay in the outbox, or go by webhook).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary><c>StartTls</c> (SES on 587), <c>SslOnConnect</c> (465), <c>None</c> (a local sink only).</summary>
    public string Security { get; set; } = "StartTls";

    public string From { get; set; } = "Tavolo <no-reply@tavolo.invalid>";

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}
