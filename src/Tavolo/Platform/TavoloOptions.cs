namespace Tavolo.Platform;

/// <summary>The <c>Tavolo</c> configuration section (environment: <c>Tavolo__X__Y</c>).</summary>
public sealed class TavoloOptions
{
    public const string Section = "Tavolo";

    /// <summary><c>sqlite</c> | <c>dynamodb</c>.</summary>
    public string Storage { get; set; } = "sqlite";

    /// <summary><c>sqlite</c> | <c>sqs</c>.</summary>
    public string Queue { get; set; } = "sqlite";

    /// <summary><c>local</c> | <c>lambda</c>.</summary>
    public string Hosting { get; set; } = "local";

    /// <summary>Comma-separated modules this process serves; empty means all.</summary>
    public string? Modules { get; set; }

    public SqliteOptions Sqlite { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    public BootstrapOptions Bootstrap { get; set; } = new();

    public RateLimitOptions RateLimits { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public Tavolo.Idempotency.IdempotencyOptions Idempotency { get; set; } = new();

    public PromoCodeOptions PromoCodes { get; set; } = new();

    public DynamoDbOptions DynamoDb { get; set; } = new();

    public SqsOptions Sqs { get; set; } = new();

    public AwsOptions Aws { get; set; } = new();

    public StreamOptions Streams { get; set; } = new();

    /// <summary>
    /// The web app's public URL, for the links Tavolo prints: the guest page in notifications, the check-in QR code.
    /// Unset: the local URL (<see cref="PublicUrl"/>). Never the request's Host header, which the client chooses.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary><see cref="PublicBaseUrl"/> without a trailing slash, or the local default <c>http://localhost:5080</c>.</summary>
    public string PublicUrl => (string.IsNullOrWhiteSpace(PublicBaseUrl) ? "http://localhost:5080" : PublicBaseUrl).TrimEnd('/');

    /// <summary>
    /// What <c>Tavolo__Modules</c> may name: the six HTTP modules, and for functions without routes, <c>authorizer</c>
    /// (TOKEN authorizer events) and <c>notifications</c> (the scheduled producer and the SQS consumer).
    /// </summary>
    public static readonly string[] KnownModules = ["auth", "users", "waitlists", "restaurants", "orders", "promo-codes", "authorizer", "notifications"];

    /// <summary>The configured module names that Tavolo does not know (a typo would silently serve nothing).</summary>
    public IEnumerable<string> UnknownModules() =>
        (Modules ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(m => !KnownModules.Contains(m, StringComparer.OrdinalIgnoreCase));

    public bool Serves(string module) =>
        string.IsNullOrWhiteSpace(Modules)
        || Modules.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Contains(module, StringComparer.OrdinalIgnoreCase);
}

public sealed class DynamoDbOptions
{
    /// <summary>An emulator's endpoint (unset on AWS).</summary>
    public string? ServiceUrl { get; set; }

    public string TablePrefix { get; set; } = "tavolo-";
}

public sealed class SqsOptions
{
    /// <summary>An emulator's endpoint (unset on AWS).</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The notification queue; its dead-letter queue adds <c>-dlq</c>.</summary>
    public string QueueName { get; set; } = "tavolo-notifications";
}

public sealed class AwsOptions
{
    /// <summary>Create missing tables and queues at start-up (emulators, first runs).</summary>
    public bool CreateResources { get; set; }
}

public sealed class PromoCodeOptions
{
    /// <summary><c>sqlite</c> | <c>postgres</c>.</summary>
    public string Storage { get; set; } = "sqlite";

    public string? ConnectionString { get; set; }

    /// <summary>The database password, when not in <see cref="ConnectionString"/> (on AWS: from the database's secret); wins over it.</summary>
    public string? Password { get; set; }
}

public sealed class SqliteOptions
{
    public string Path { get; set; } = "data/tavolo.db";

    /// <summary>
    /// WAL pages after which a checkpoint starts: the database's own loop copies the WAL back while the writer goes on,
    /// and the writer copies the rest so the WAL starts over (SqliteDatabase.Checkpoints.cs; SQLite's own threshold,
    /// <c>wal_autocheckpoint</c>, is 1,000 and runs inside a commit).
    /// More pages: fewer, larger checkpoints (less CPU per write, since a page written many times is copied back once),
    /// a larger WAL file and a longer pause of the writes that meet one (docs/performance.md). 100 to 100,000.
    /// 4,000 (a 16 MB WAL): each WAL start-over costs the writer two fsyncs' wait (~13–22 ms under load), and at
    /// 1,000 pages those waits were 15 % of its time; 4,000 still fits one WAL-index block (4,096 frames), so a read
    /// searches no more than at 1,000.
    /// </summary>
    public int CheckpointPages { get; set; } = 4000;
}

public sealed class AuthOptions
{
    /// <summary>The <c>iss</c> of every token and the base of <c>jwks_uri</c>: set it to the public URL.</summary>
    public string Issuer { get; set; } = "http://localhost:5080";

    public string Audience { get; set; } = "tavolo-api";

    public int AccessTokenMinutes { get; set; } = 15;

    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>Where the signing keys live; created on first run. Empty: beside the database.</summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>The key ring JSON itself (same format as the file), as on AWS from a secret; wins over the file.</summary>
    public string? SigningKeys { get; set; }

    /// <summary>PBKDF2-HMAC-SHA512 iterations for new hashes (OWASP 2023: 210,000).</summary>
    public int PasswordIterations { get; set; } = 210_000;

    public int LoginMaxFailuresPerAccount { get; set; } = 5;

    public int LoginMaxFailuresPerAddress { get; set; } = 20;

    public int LoginLockoutMinutes { get; set; } = 15;
}

public sealed class BootstrapOptions
{
    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }
}

public sealed class RateLimitOptions
{
    /// <summary>Requests per minute per client address on each rate-limited public route.</summary>
    public int PerAddressPerMinute { get; set; } = 30;

    /// <summary>Guest self check-ins per waitlist in any hour, from all addresses together (→ 429).</summary>
    public int JoinsPerWaitlistPerHour { get; set; } = 60;
}
