using System.Text.Json.Serialization;

// The baseline of bench/table.sh: CreateSlimBuilder and one source-generated JSON route, nothing else.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJson.Default));
var app = builder.Build();
app.MapGet("/hello", () => new Hello("hello"));
app.MapGet("/health", () => new Hello("ok"));
await app.RunAsync();

internal sealed record Hello(string Message);

[JsonSerializable(typeof(Hello))]
internal sealed partial class BareJson : JsonSerializerContext;
