using Tavolo.Auth;
using Tavolo.Orders;
using Tavolo.Platform;
using Tavolo.PromoCodes;
using Tavolo.Restaurants;
using Tavolo.Storage;
using Tavolo.Users;
using Tavolo.Waitlists;
using Tavolo.Web;

// Commands: --help, --version, `backup <file>` (Platform/CommandLine.cs); without one, Tavolo serves.
if (CommandLine.Handle(args, Console.Out, Console.Error, out var backupTo, out args) is int done)
    return done;

// A start-up failure with a known cause prints two lines, the cause and the fix, and exits with its code (ExitCodes);
// the stack trace only at Logging__LogLevel__Default=Debug (Platform/StartupFailures.cs).
var debug = false;
try
{
    // Content root = the build output, so appsettings.json is found wherever the process is started from.
    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddTavoloSecrets(); // Tavolo__Secrets__Store: on AWS the secrets from their store; locally nothing
    debug = StartupFailures.Debug(builder.Configuration);
    var options = builder.Configuration.GetSection(TavoloOptions.Section).Get<TavoloOptions>() ?? new TavoloOptions();
    builder.Services.Configure<TavoloOptions>(builder.Configuration.GetSection(TavoloOptions.Section));
    SettingsCheck.Validate(builder.Configuration, options); // every setting, before anything reads one

    // `Tavolo backup <file>`: a consistent copy of the SQLite database while another Tavolo process serves it (docs/operations.md).
    if (backupTo is not null)
        return await Tavolo.Storage.Sqlite.SqliteBackup.RunAsync(options.Sqlite.Path, backupTo, Console.Out, Console.Error);

    // Hosting: Kestrel on :5080 unless ASPNETCORE_URLS or --urls say otherwise; 64 KiB bodies.
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64 * 1024);
    if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        builder.WebHost.UseUrls("http://localhost:5080");

    // Logs: plain lines for a person (Development: `dotnet run`), JSON lines for CloudWatch and log pipelines (Production,
    // Lambda); Tavolo__Logging__Format=plain|json overrides. EMF metric lines only where CloudWatch turns them into metrics.
    var onLambda = options.Hosting.Equals("lambda", StringComparison.OrdinalIgnoreCase) || Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") is not null;
    builder.Logging.AddTavoloConsole(builder.Configuration["Tavolo:Logging:Format"] ?? (builder.Environment.IsDevelopment() && !onLambda ? "plain" : "json"));
    builder.Services.AddEmfMetrics(bool.TryParse(builder.Configuration["Tavolo:Metrics:Emf"], out var emf) ? emf : onLambda);
    // OpenTelemetry (traces, metrics, logs over OTLP) only when OTEL_EXPORTER_OTLP_ENDPOINT is set; off, nothing listens.
    builder.Services.AddTavoloTelemetry(builder.Configuration);
    // Hosting's own request scope carries the raw path (RequestPath: /guest/<token>) into every line: off (docs/security.md).
    builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    // The host logs a failed start with its stack trace ("Hosting failed to start"): Tavolo reports it in two lines instead.
    if (!debug)
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

    // Cross-cutting: problem details, validation, time, ids, cursors, rate limits, OpenAPI, health.
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddTavoloProblems();
    builder.Services.AddSingleton<ServerSecret>();
    builder.Services.AddSingleton<Cursors>();
    builder.Services.AddTavoloClientAddress(options);
    builder.Services.AddTavoloRateLimits(options);
    builder.Services.AddTavoloOpenApi();
    builder.Services.AddHealthChecks();
    builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(HealthJson.Default));
    builder.Services.PostConfigure<Microsoft.AspNetCore.Http.Json.JsonOptions>(ResponseJson.UseGeneratedWriters); // after every module's context

    // Storage adapters, then the modules.
    builder.Services.AddStorage(options);
    builder.Services.AddAuth();
    builder.Services.AddUsers();
    builder.Services.AddWaitlists(builder.Configuration, options);
    builder.Services.AddRestaurants();
    builder.Services.AddOrders();
    builder.Services.AddPromoCodes();
    builder.Services.AddWeb();

    var app = builder.Build();

    try
    {
        await app.Services.PrepareStorageAsync();
    }
    catch (Exception e)
    {
        throw StartupFailures.Storage(e, options);
    }
    try
    {
        app.Services.GetRequiredService<SigningKeys>(); // read and check (or create) the key ring now: a bad file fails the start
    }
    catch (Exception e)
    {
        throw StartupFailures.KeyRing(e, options);
    }
    app.WarmAuthWhenListening(); // the keys' OpenSSL objects and the token rules: in the background, off the cold start
    await app.Services.GetRequiredService<AdminBootstrap>().RunAsync(CancellationToken.None);

    app.UseTavoloClientAddress(options);
    app.UseMiddleware<RequestLogging>();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseSharedPages(); // /restaurants, /restaurants/{id}, /orders, /promo-codes: the page for a browser's navigation, else the API
    app.UseBearerTokens(); // the caller from a bearer token, and its user id in the log scope
    app.UseAuthorization();
    app.UseRateLimiter();

    app.MapHealth();
    app.MapOpenApi();
    app.MapTavoloDocs();
    app.MapWeb(); // the browser app: pages and assets from the binary, on every function like /docs
    if (app.Configuration["Tavolo:Bench"] == "true")
        app.MapGet("/bench/hello", () => "hello").ExcludeFromDescription(); // the baseline of bench/promo-codes.sh
    if (options.Hosting.Equals("lambda", StringComparison.OrdinalIgnoreCase))
        app.MapLambdaEvents(); // the Web Adapter's pass-through for SQS, EventBridge and authorizer events
    if (options.Serves("auth")) app.MapAuth();
    if (options.Serves("users")) app.MapUsers();
    if (options.Serves("waitlists")) app.MapWaitlists().MapWaitlistStreams();
    if (options.Serves("restaurants")) app.MapRestaurants();
    if (options.Serves("orders")) app.MapOrders();
    if (options.Serves("promo-codes")) app.MapPromoCodes();

    await app.RunAsync();
    return Environment.ExitCode; // 0, unless something stopped the app for a reason (AuthModule.WarmAuthWhenListening)
}
catch (Exception e) when (e is not HostAbortedException) // HostAbortedException: WebApplicationFactory's stop after Build
{
    return StartupFailures.Report(e, Console.Error, debug);
}

/// <summary>The app's entry point, visible to the tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
