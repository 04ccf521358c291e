using Tavolo.Auth;
using Tavolo.Orders;
using Tavolo.Platform;
using Tavolo.PromoCodes;
using Tavolo.Restaurants;
using Tavolo.Storage;
using Tavolo.Users;
using Tavolo.Waitlists;
using Tavolo.Web;

// Content root = the build output, so appsettings.json is found wherever the process is started from.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var options = builder.Configuration.GetSection(TavoloOptions.Section).Get<TavoloOptions>() ?? new TavoloOptions();
builder.Services.Configure<TavoloOptions>(builder.Configuration.GetSection(TavoloOptions.Section));
if (options.UnknownModules().ToList() is [_, ..] unknown)
    throw new InvalidOperationException($"Tavolo__Modules names unknown modules: {string.Join(", ", unknown)}. Known: {string.Join(", ", TavoloOptions.KnownModules)}.");

// Hosting: Kestrel on :5080 unless ASPNETCORE_URLS or --urls say otherwise; 64 KiB bodies; JSON log lines.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64 * 1024);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls("http://localhost:5080");
builder.Logging.ClearProviders().AddJsonConsole(json =>
{
    json.IncludeScopes = true;
    json.UseUtcTimestamp = true;
    json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
});

// Cross-cutting: problem details, validation, time, ids, cursors, rate limits, OpenAPI, health.
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddTavoloProblems();
builder.Services.AddSingleton<ServerSecret>();
builder.Services.AddSingleton<Cursors>();
builder.Services.AddTavoloRateLimits(options);
builder.Services.AddTavoloOpenApi();
builder.Services.AddHealthChecks();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(HealthJson.Default));

// Storage adapters, then the modules.
builder.Services.AddStorage(options);
builder.Services.AddAuth();
builder.Services.AddUsers();
builder.Services.AddWaitlists(options);
builder.Services.AddRestaurants();
builder.Services.AddOrders();
builder.Services.AddPromoCodes();
builder.Services.AddWeb();

var app = builder.Build();

await app.Services.PrepareStorageAsync();
app.Services.GetRequiredService<SigningKeys>(); // load or create the key ring now: fail fast, and not on the first request
await app.Services.GetRequiredService<AdminBootstrap>().RunAsync(CancellationToken.None);

app.UseMiddleware<RequestLogging>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSharedPages(); // /restaurants, /orders, /promo-codes: the page for a browser's navigation, else the API
app.UseAuthentication();
app.Use(RequestLogging.AddUserScope);
app.UseAuthorization();
app.UseRateLimiter();

app.MapHealth();
app.MapOpenApi();
app.MapTavoloDocs();
app.MapWeb(); // the browser app: pages and assets from the binary, on every function like /docs
if (app.Configuration["Tavolo:Bench"] == "true")
    app.MapGet("/bench/hello", () => "hello").ExcludeFromDescription(); // the baseline of bench/load.sh
if (options.Hosting.Equals("lambda", StringComparison.OrdinalIgnoreCase))
    app.MapLambdaEvents(); // the Web Adapter's pass-through for SQS, EventBridge and authorizer events
if (options.Serves("auth")) app.MapAuth();
if (options.Serves("users")) app.MapUsers();
if (options.Serves("waitlists")) app.MapWaitlists().MapGuests().MapWaitlistStreams();
if (options.Serves("restaurants")) app.MapRestaurants();
if (options.Serves("orders")) app.MapOrders();
if (options.Serves("promo-codes")) app.MapPromoCodes();

await app.RunAsync();

/// <summary>The app's entry point, visible to the tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
