using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tavolo.Platform;

/// <summary>
/// CloudWatch Embedded Metric Format: one JSON line per event on stdout. On Lambda, CloudWatch Logs turns these lines
/// into metrics with no agent and no API call. Elsewhere they would only be noise in the log, so they are off there
/// (<c>Tavolo__Metrics__Emf=true</c> turns them on): a null <paramref name="output"/> writes nothing.
/// </summary>
public sealed class EmfMetrics(TimeProvider clock, TextWriter? output)
{
    public const string Namespace = "Tavolo";

    public void Write(string service, params (string Name, string Unit, decimal Value)[] metrics)
    {
        if (output is null)
            return;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", clock.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue("Service");
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var (name, unit, _) in metrics)
            {
                json.WriteStartObject();
                json.WriteString("Name", name);
                json.WriteString("Unit", unit);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("Service", service);
            foreach (var (name, _, value) in metrics)
                json.WriteNumber(name, value);
            json.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}

public static class EmfMetricsSetup
{
    /// <summary>EMF lines on stdout when <paramref name="enabled"/> (on Lambda by default), else none; whole lines, in
    /// turn with the JSON log's (<see cref="Stdout"/>), so that no metric line is split by a log line.</summary>
    public static IServiceCollection AddEmfMetrics(this IServiceCollection services, bool enabled)
    {
        services.TryAddSingleton<Stdout>();
        return services.AddSingleton(sp => new EmfMetrics(sp.GetRequiredService<TimeProvider>(), enabled ? sp.GetRequiredService<Stdout>().Lines() : null));
    }
}
