using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tavolo.Platform;

/// <summary>
/// One log event as one JSON object on one line, with what a log pipeline queries and nothing twice: <c>Timestamp</c>,
/// <c>LogLevel</c>, <c>Category</c>, <c>Message</c>, the message's values under <c>State</c> (without the template), the
/// scopes' values flattened to the top (<c>requestId</c>, <c>traceId</c>, <c>userId</c>, Kestrel's <c>ConnectionId</c>;
/// nulls left out) and <c>Exception</c>. The stock JSON formatter wrote every scope's text beside its values and the
/// template beside the message: an access line of ~700 bytes, ~300 here — less to write per request, and on Lambda less
/// CloudWatch ingestion ($0.50/GB) per call (docs/performance.md). Written as UTF-8 straight into the caller's buffer.
/// </summary>
public static class CompactJson
{
    private const string OriginalFormat = "{OriginalFormat}";

    [ThreadStatic] private static Utf8JsonWriter? t_json;

    /// <summary>Appends the line (ending in <c>\n</c>) to <paramref name="output"/>; false when the event has nothing to say.</summary>
    public static bool Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, IBufferWriter<byte> output)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
            return false;
        var json = t_json ??= new Utf8JsonWriter(output);
        json.Reset(output);
        json.WriteStartObject();
        json.WriteString("Timestamp", DateTime.UtcNow);
        json.WriteString("LogLevel", LevelName(logEntry.LogLevel));
        json.WriteString("Category", logEntry.Category);
        json.WriteString("Message", message);
        if (logEntry.Exception is { } exception)
            json.WriteString("Exception", exception.ToString());
        if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> { Count: > 1 } state)
        {
            json.WriteStartObject("State");
            for (var i = 0; i < state.Count; i++)
            {
                var (key, value) = state[i];
                if (key != OriginalFormat)
                    WriteProperty(json, key, value);
            }
            json.WriteEndObject();
        }
        scopeProvider?.ForEachScope(static (scope, json) =>
        {
            if (scope is IReadOnlyList<KeyValuePair<string, object?>> list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    var (key, value) = list[i];
                    if (value is not null && key != OriginalFormat)
                        WriteProperty(json, key, value);
                }
            }
            else if (scope is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    if (value is not null && key != OriginalFormat)
                        WriteProperty(json, key, value);
                }
            }
            else if (scope is not null)
            {
                json.WriteString("Scope", Convert.ToString(scope, CultureInfo.InvariantCulture));
            }
        }, json);
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
        return true;
    }

    private static void WriteProperty(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(key); break;
            case string s: json.WriteString(key, s); break;
            case bool b: json.WriteBoolean(key, b); break;
            case int i: json.WriteNumber(key, i); break;
            case long l: json.WriteNumber(key, l); break;
            case double d when double.IsFinite(d): json.WriteNumber(key, d); break;
            case decimal m: json.WriteNumber(key, m); break;
            case DateTime t: json.WriteString(key, t); break;
            case DateTimeOffset t: json.WriteString(key, t); break;
            case IFormattable f: json.WriteString(key, f.ToString(null, CultureInfo.InvariantCulture)); break;
            default: json.WriteString(key, value.ToString()); break;
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => "None",
    };
}
