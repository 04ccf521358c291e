using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;

namespace Tavolo.Platform;

public static class ConsoleLogs
{
    /// <summary>
    /// <c>plain</c>: one readable line per event (time, level, category, message), for a person at a terminal.
    /// <c>json</c>: one compact JSON object per line (<see cref="CompactJson"/>) with the request id, trace
    /// id and user id, for CloudWatch and log pipelines, written in batches (<see cref="Stdout"/>).
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
        logging.Services.TryAddSingleton<Stdout>();
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, JsonLinesLoggerProvider>());
        return logging;
    }
}
