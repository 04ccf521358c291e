using System.Net;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Platform;

/// <summary>
/// Every <c>Tavolo__…</c> setting checked before anything starts: a value Tavolo would refuse later, or silently read
/// as something else (an unknown module serves nothing, <c>Emf=yes</c> would mean the default), stops the start with
/// <see cref="ExitCodes.Setting"/> and one line naming each bad setting. A value that is not a number at all is the
/// configuration binder's to report (<see cref="StartupFailures.Explain"/>).
/// </summary>
public static class SettingsCheck
{
    public static void Validate(IConfiguration configuration, TavoloOptions options)
    {
        var notifications = configuration.GetSection(NotificationOptions.Section).Get<NotificationOptions>() ?? new NotificationOptions();
        var smtp = configuration.GetSection(SmtpOptions.Section).Get<SmtpOptions>() ?? new SmtpOptions();
        var problems = Problems(configuration, options, notifications, smtp).ToList();
        if (problems.Count > 0)
        {
            throw new StartupException(ExitCodes.Setting, string.Join("; ", problems) + ".",
                "change " + (problems.Count == 1 ? "that setting" : "those settings") + ", or unset to use the default (README.md, Configuration).");
        }
    }

    private static IEnumerable<string> Problems(IConfiguration configuration, TavoloOptions o, NotificationOptions n, SmtpOptions smtp)
    {
        string? OneOf(string name, string value, params string[] allowed) =>
            allowed.Contains(value, StringComparer.OrdinalIgnoreCase) ? null : $"Tavolo__{name}='{value}' is not one of {string.Join(", ", allowed)}";
        string? Range(string name, long value, long min, long max) =>
            value >= min && value <= max ? null : $"Tavolo__{name}={value} is outside {min}–{max}";
        string? Url(string name, string? value) =>
            string.IsNullOrWhiteSpace(value) || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                ? null : $"Tavolo__{name}='{value}' is not an http(s) URL";
        string? Bool(string name) =>
            configuration[$"Tavolo:{name.Replace("__", ":", StringComparison.Ordinal)}"] is { } text && !bool.TryParse(text, out _)
                ? $"Tavolo__{name}='{text}' is not true or false" : null;

        string?[] checks =
        [
            OneOf("Storage", o.Storage, "sqlite", "dynamodb"),
            OneOf("Queue", o.Queue, "sqlite", "sqs"),
            OneOf("PromoCodes__Storage", o.PromoCodes.Storage, "sqlite", "postgres"),
            OneOf("Hosting", o.Hosting, "local", "lambda"),
            o.UnknownModules().ToList() is [_, ..] unknown
                ? $"Tavolo__Modules names unknown modules ({string.Join(", ", unknown)}); known: {string.Join(", ", TavoloOptions.KnownModules)}" : null,
            string.IsNullOrWhiteSpace(o.Sqlite.Path) ? "Tavolo__Sqlite__Path is empty" : null,
            Range("Sqlite__CheckpointPages", o.Sqlite.CheckpointPages, 100, 100_000),
            Url("Auth__Issuer", o.Auth.Issuer),
            string.IsNullOrWhiteSpace(o.Auth.Audience) ? "Tavolo__Auth__Audience is empty" : null,
            Range("Auth__AccessTokenMinutes", o.Auth.AccessTokenMinutes, 1, 24 * 60),
            Range("Auth__RefreshTokenDays", o.Auth.RefreshTokenDays, 1, 3650),
            Range("Auth__PasswordIterations", o.Auth.PasswordIterations, 1_000, 10_000_000),
            Range("Auth__LoginMaxFailuresPerAccount", o.Auth.LoginMaxFailuresPerAccount, 1, 100_000_000),
            Range("Auth__LoginMaxFailuresPerAddress", o.Auth.LoginMaxFailuresPerAddress, 1, 100_000_000),
            Range("Auth__LoginLockoutMinutes", o.Auth.LoginLockoutMinutes, 1, 24 * 60),
            Range("RateLimits__PerAddressPerMinute", o.RateLimits.PerAddressPerMinute, 1, 100_000_000),
            o.Http.TrustedProxyList().FirstOrDefault(p => !(p.Contains('/', StringComparison.Ordinal) ? IPNetwork.TryParse(p, out _) : IPAddress.TryParse(p, out _))) is { } proxy
                ? $"Tavolo__Http__TrustedProxies names '{proxy}', not an IP address or CIDR network" : null,
            configuration["Tavolo:Secret"] is { Length: > 0 } secret && !IsSecret(secret)
                ? "Tavolo__Secret is not base64 of at least 32 bytes" : null,
            Range("Idempotency__ExpiryHours", o.Idempotency.ExpiryHours, 1, 24 * 365),
            Range("Idempotency__InFlightSeconds", o.Idempotency.InFlightSeconds, 1, 24 * 3600),
            Url("DynamoDb__ServiceUrl", o.DynamoDb.ServiceUrl),
            Url("Sqs__ServiceUrl", o.Sqs.ServiceUrl),
            string.IsNullOrWhiteSpace(o.Sqs.QueueName) ? "Tavolo__Sqs__QueueName is empty" : null,
            // Only where promo codes are read (their module, and orders' redemptions): on AWS the other functions share
            // the postgres setting without the connection string (deploy/template.yaml).
            o.PromoCodes.Storage.Equals("postgres", StringComparison.OrdinalIgnoreCase) && (o.Serves("promo-codes") || o.Serves("orders"))
                && string.IsNullOrWhiteSpace(o.PromoCodes.ConnectionString)
                ? "Tavolo__PromoCodes__ConnectionString is unset while Tavolo__PromoCodes__Storage=postgres" : null,
            Range("Streams__MaxPerUser", o.Streams.MaxPerUser, 1, 100_000_000),
            Range("Streams__MaxPerRestaurant", o.Streams.MaxPerRestaurant, 1, 100_000_000),
            Range("Streams__MaxTotal", o.Streams.MaxTotal, 1, 100_000_000),
            Range("RateLimits__JoinsPerWaitlistPerHour", o.RateLimits.JoinsPerWaitlistPerHour, 1, 1_000_000),
            Range("Streams__KeepAliveSeconds", o.Streams.KeepAliveSeconds, 1, 3600),
            Url("PublicBaseUrl", o.PublicBaseUrl),
            Range("Notifications__ProducerIntervalSeconds", n.ProducerIntervalSeconds, 1, 24 * 3600),
            Range("Notifications__VisibilitySeconds", n.VisibilitySeconds, 1, 12 * 3600),
            Range("Notifications__RetryBaseSeconds", n.RetryBaseSeconds, 0, 300),
            Range("Notifications__WebhookTimeoutSeconds", n.WebhookTimeoutSeconds, 1, 300),
            Range("Notifications__Concurrency", n.Concurrency, 1, 1024),
            Range("Notifications__AttemptTimeoutSeconds", n.AttemptTimeoutSeconds, 1, 3600),
            Range("Smtp__Port", smtp.Port, 1, 65535),
            OneOf("Smtp__Security", smtp.Security, "StartTls", "SslOnConnect", "None"),
            smtp.Enabled && !MimeKit.MailboxAddress.TryParse(smtp.From, out _) ? $"Tavolo__Smtp__From='{smtp.From}' is not an email address" : null,
            configuration["Tavolo:Logging:Format"] is { } format ? OneOf("Logging__Format", format, "plain", "json") : null,
            Bool("Metrics__Emf"),
            Bool("Aws__CreateResources"),
            Bool("Notifications__AllowInsecureWebhooks"),
            Bool("Notifications__AllowPrivateWebhookTargets"),
            Bool("Notifications__RunInProcess"),
        ];
        return checks.OfType<string>();
    }

    private static bool IsSecret(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var length) && length >= 32;
    }
}
