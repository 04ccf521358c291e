using Microsoft.Extensions.Logging.Console;

namespace Tavolo.Platform;

public static class ConsoleLogs
{
    /// <summary>
    /// <c>plain</c>: one readable line per event (time, level, category, message), for a person at a terminal.
    /// <c>json</c>: one JSON object per line with the request id, trace id and user id scopes, for CloudWatch and log
    /// pipelines.
    /// </summary>
    public static ILoggingBuilder AddTavoloConsole(this ILoggingBuilder logging, string format)
    {
        logging.ClearProviders();
        if (format.Equals("plain", StringComparison.OrdinalIgnoreCase))
        {
            return logging.AddSimpleConsole(plain =>
            {
                plain.SingleLine = true;
                plain.TimestampFormat = "HH:mm:ss ";
                plain.ColorBehavior = LoggerColorBehavior.Default;
            });
        }
        if (!format.Equals("json", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Tavolo__Logging__Format '{format}' is not supported; use 'plain' or 'json'.");
        return logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
    }
}
