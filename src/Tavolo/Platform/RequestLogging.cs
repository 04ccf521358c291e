using System.Diagnostics;
using System.Globalization;

namespace Tavolo.Platform;

/// <summary>
/// Gives every request an id (the caller's <c>X-Request-Id</c> when it is sane), echoes it, opens a log
/// scope with the request id and trace id (and, once authenticated, the user id), and writes one access-log line per
/// request. One scope object per request, its values formatted only when a line is written (docs/performance.md).
/// </summary>
public sealed class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public const string Header = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = context.Request.Headers[Header].ToString();
        if (!IsSane(requestId))
            requestId = Ids.NewRequestId();
        context.TraceIdentifier = requestId;
        context.Response.Headers[Header] = requestId;

        var scope = new RequestScope(requestId, Activity.Current);
        context.Features.Set(scope);
        using var _ = logger.BeginScope(scope);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var line = new AccessLine(context.Request.Method, LoggedPath(context), context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, scope.UserId); // set by the bearer middleware
                logger.Log(LogLevel.Information, AccessLine.Event, line, null, static (line, _) => line.ToString());
            }
        }
    }

    /// <summary>After authentication: adds the user id to the request's log scope, for everything the handler logs.</summary>
    public static void SetUserId(HttpContext context, string? userId)
    {
        if (context.Features.Get<RequestScope>() is { } scope)
            scope.UserId = userId;
    }

    /// <summary>The path, or its route template when a route value is a secret (<c>/guest/{guestToken}</c>).</summary>
    private static string LoggedPath(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern: var pattern }
        && pattern.Parameters.Any(p => p.Name.EndsWith("token", StringComparison.OrdinalIgnoreCase))
            ? pattern.RawText ?? ""
            : context.Request.Path.Value ?? "";

    private static bool IsSane(string id) =>
        id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}

/// <summary>
/// The access line's values, and its message in one interpolation: a <c>[LoggerMessage]</c> formats it through
/// <c>string.Format</c> of its template on every request (2.4 % of a <c>GET /orders/{id}</c>'s CPU; docs/performance.md).
/// Same message, same named values as that template would give — except that an anonymous request reads
/// <c>(anonymous)</c> where the template would print <c>(user (null))</c>.
/// </summary>
internal sealed class AccessLine(string method, string path, int status, double elapsedMs, string? userId) : LogValues
{
    public const string Template = "{Method} {Path} {Status} in {ElapsedMs:0.0} ms (user {UserId})";

    public static readonly EventId Event = new(1, "Request");

    public override int Count => 6;

    public override KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Method", method),
        1 => new("Path", path),
        2 => new("Status", status),
        3 => new("ElapsedMs", elapsedMs),
        4 => new("UserId", userId),
        5 => new("{OriginalFormat}", Template),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public override string ToString() =>
        userId is null // an anonymous request: "(anonymous)", not the template's "(user (null))"; UserId stays null
            ? string.Create(CultureInfo.InvariantCulture, $"{method} {path} {status} in {elapsedMs:0.0} ms (anonymous)")
            : string.Create(CultureInfo.InvariantCulture, $"{method} {path} {status} in {elapsedMs:0.0} ms (user {userId})");
}

/// <summary>
/// The log scope of one request: requestId, traceId and (after authentication) userId. JSON console writes them as
/// properties, text loggers as "name:value"; the trace id is formatted only when a line is written.
/// </summary>
internal sealed class RequestScope(string requestId, Activity? activity) : LogValues
{
    public string? UserId { get; set; }

    public override int Count => UserId is null ? 2 : 3;

    public override KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("requestId", requestId),
        1 => new("traceId", activity?.TraceId.ToString()),
        2 when UserId is not null => new("userId", UserId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public override string ToString() => UserId is null
        ? $"requestId:{requestId}, traceId:{activity?.TraceId}"
        : $"requestId:{requestId}, traceId:{activity?.TraceId}, userId:{UserId}";
}

/// <summary>A log scope of named values: JSON console writes them as properties, text loggers as "name:value".</summary>
internal sealed class LogScope(params (string Name, object? Value)[] values) : LogValues
{
    public override int Count => values.Length;

    public override KeyValuePair<string, object?> this[int index] => new(values[index].Name, values[index].Value);

    public override string ToString() => string.Join(", ", values.Select(v => $"{v.Name}:{v.Value}"));
}

/// <summary>
/// Named values for a log line or scope, read by index (no enumerator per read): JSON console writes them as properties,
/// text loggers as the subclass's <c>ToString</c>.
/// </summary>
internal abstract class LogValues : IReadOnlyList<KeyValuePair<string, object?>>
{
    public abstract int Count { get; }

    public abstract KeyValuePair<string, object?> this[int index] { get; }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
