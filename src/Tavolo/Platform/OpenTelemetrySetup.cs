using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tavolo.Platform;

/// <summary>
/// OpenTelemetry over OTLP, on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard <c>OTEL_*</c>
/// variables configure the rest: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>…_HEADERS</c>, <c>OTEL_SERVICE_NAME</c>, …).
/// Off, nothing is registered: no listener, no exporter thread, and Tavolo's spans and instruments cost a field read.
/// Traces: ASP.NET Core, HttpClient (webhooks, the AWS SDK's HTTP), Npgsql's own source, and Tavolo's
/// (<see cref="Telemetry"/>: SQLite, DynamoDB, SQS, the notification pipeline). Metrics: ASP.NET Core's and Kestrel's
/// meters, HttpClient's, the runtime's, and Tavolo's. Logs: every log line, with the trace and span id of its span.
/// docs/operations.md, "Traces and metrics (OpenTelemetry)".
/// </summary>
public static class OpenTelemetrySetup
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool Enabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[EndpointVariable]);

    public static IServiceCollection AddTavoloTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (!Enabled(configuration))
            return services;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: configuration["OTEL_SERVICE_NAME"] ?? Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") ?? "tavolo",
                serviceVersion: CommandLine.Version))
            .WithTracing(tracing => tracing
                .AddSource(Telemetry.Name, "Npgsql")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation(http => http.EnrichWithHttpRequestMessage = NameAwsCall))
            .WithMetrics(metrics => metrics
                .AddMeter(Telemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddInstrumentation(provider => new StreamGauge(provider)))
            .WithLogging()
            .UseOtlpExporter(); // every signal, configured by the OTEL_EXPORTER_OTLP_* variables
        // Log records take their trace context from the current span; the console's JSON lines already carry traceId
        // (the request scope), so no second copy as activity-tracking scope values (TraceId, SpanId, ParentId).
        services.PostConfigure<LoggerFactoryOptions>(logging => logging.ActivityTrackingOptions = ActivityTrackingOptions.None);
        return services;
    }

    /// <summary>
    /// The AWS SDK's DynamoDB and SQS calls are HTTP requests whose <c>X-Amz-Target</c> header names the operation
    /// (<c>DynamoDB_20120810.PutItem</c>, <c>AmazonSQS.SendMessage</c>); with no AWS instrumentation package on the feed,
    /// their HttpClient spans are named for it (<c>DynamoDB.PutItem</c>) and carry the database or messaging system.
    /// </summary>
    internal static void NameAwsCall(System.Diagnostics.Activity activity, HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues("X-Amz-Target", out var values) || values.FirstOrDefault() is not { } target)
            return;
        var dot = target.LastIndexOf('.');
        if (dot <= 0)
            return;
        var service = target.StartsWith("DynamoDB", StringComparison.Ordinal) ? "DynamoDB"
            : target.StartsWith("AmazonSQS", StringComparison.Ordinal) ? "SQS" : target[..dot];
        var method = target[(dot + 1)..];
        activity.DisplayName = $"{service}.{method}";
        activity.SetTag("rpc.system", "aws-api");
        activity.SetTag("rpc.service", service);
        activity.SetTag("rpc.method", method);
        if (service == "DynamoDB")
        {
            activity.SetTag("db.system.name", "aws.dynamodb");
            activity.SetTag("db.operation.name", method);
        }
        else if (service == "SQS")
        {
            activity.SetTag("messaging.system", "aws_sqs");
        }
    }

    /// <summary><c>tavolo.streams.open</c>: the live streams this process holds open (waitlist, guest and order streams).</summary>
    private sealed class StreamGauge
    {
        public StreamGauge(IServiceProvider services)
        {
            var slots = services.GetService<StreamSlots>();
            var meter = services.GetRequiredService<IMeterFactory>().Create(Telemetry.Name);
            meter.CreateObservableUpDownCounter("tavolo.streams.open", () => slots?.Open ?? 0, "{stream}", "Live streams open in this process.");
        }
    }
}
