using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// The database file cannot take a write right now — the disk is full, the file or its folder is read-only, an I/O
/// error, or the write lock stayed taken past the busy timeout: <c>503</c> problem+json with <c>Retry-After</c>, not
/// <c>500</c>. SQLite rolled the statement's transaction back, so nothing is half-written; reads go on working, and
/// the next write succeeds once space or permission is back (nothing to restart).
/// </summary>
public sealed partial class SqliteUnavailableHandler(IProblemDetailsService problems, ILogger<SqliteUnavailableHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 30;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Find(exception) is not { } sqlite || httpContext.Response.HasStarted)
            return false;
        LogUnavailable(logger, sqlite.SqliteErrorCode, sqlite.SqliteExtendedErrorCode, sqlite.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new()
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage unavailable",
                Detail = "The database cannot take writes right now (for example, its disk is full); nothing was saved. Retry later.",
            },
        });
    }

    /// <summary>SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN.</summary>
    public static SqliteException? Find(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: 5 or 6 or 8 or 10 or 13 or 14 } sqlite)
                return sqlite;
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite cannot write (error {Code}, extended {Extended}): {Reason}; answered 503")]
    private static partial void LogUnavailable(ILogger logger, int code, int extended, string reason);
}
