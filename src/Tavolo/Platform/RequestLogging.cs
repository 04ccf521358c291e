using System.Diagnostics;

namespace Tavolo.Platform;

/// <summary>
/// Gives every request an id (the caller's <c>X-Request-Id</c> when it is sane), echoes it, opens a log
/// scope with the request id and trace id (and, once authenticated, the user id), and writes one access-log line per
/// request. One scope object per request, its values formatted only when a line is written (docs/performance.md).
/// </summary>
public sealed partial class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
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
                LogRequest(logger, context.Request.Method, LoggedPath(context), context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, scope.UserId); // set by the bearer middleware
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

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} {Status} in {ElapsedMs:0.0} ms (user {UserId})")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, double elapsedMs, string? userId);
}

/// <summary>
/// The log scope of one request: requestId, traceId and (after authentication) userId. JSON console writes them as
/// properties, text loggers as "name:value"; the trace id is formatted only when a line is written.
/// </summary>
internal sealed class RequestScope(string requestId, Activity? activity) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string? UserId { get; set; }

    public int Count => UserId is null ? 2 : 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("requestId", requestId),
        1 => new("traceId", activity?.TraceId.ToString()),
        2 when UserId is not null => new("userId", UserId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => UserId is null
        ? $"requestId:{requestId}, traceId:{activity?.TraceId}"
        : $"requestId:{requestId}, traceId:{activity?.TraceId}, userId:{UserId}";
}

/// <summary>A log scope of named values: JSON console writes them as properties, text loggers as "name:value".</summary>
internal sealed class LogScope(params (string Name, object? Value)[] values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => values.Length;

    public KeyValuePair<string, object?> this[int index] => new(values[index].Name, values[index].Value);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < values.Length; i++)
            yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", values.Select(v => $"{v.Name}:{v.Value}"));
}
