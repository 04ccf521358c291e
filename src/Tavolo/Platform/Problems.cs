using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Tavolo.Platform;

/// <summary>RFC 9457 problem details for every error the app can answer with.</summary>
public static partial class Problems
{
    public static ValidationProblem Validation(ValidationErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "The request is not valid.");

    public static ValidationProblem Validation(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return Validation(errors);
    }

    public static ProblemHttpResult NotFound(string detail = "No such resource.") =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden);

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized);

    public static IServiceCollection AddTavoloProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
            if (Activity.Current is { } activity)
                context.ProblemDetails.Extensions["traceId"] = activity.TraceId.ToString();
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// Turns the framework's "bad request" exceptions (malformed JSON, wrong types, wrong content type,
    /// over-large body, unparsable route or query values) into a 4xx problem naming the field.
    /// </summary>
    private sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems)
        : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad)
                return false;

            var errors = new Dictionary<string, string[]>();
            var detail = bad.Message;
            if (FindJsonException(bad) is { } jsonError)
            {
                var field = JsonPathToField(jsonError.Path);
                var message = jsonError.Path is null ? "The body is not valid JSON." : "The value has the wrong type or format.";
                errors[field] = [message];
                detail = "The request body could not be read as JSON: " + message;
            }
            else if (ParameterName().Match(bad.Message) is { Success: true } match)
            {
                errors[match.Groups[1].Value] = ["The value has the wrong type or format."];
            }

            var problem = errors.Count > 0
                ? new HttpValidationProblemDetails(errors) { Title = "The request is not valid." }
                : new Microsoft.AspNetCore.Mvc.ProblemDetails();
            problem.Status = bad.StatusCode;
            problem.Detail = detail;
            context.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new() { HttpContext = context, ProblemDetails = problem, Exception = exception });
        }

        private static JsonException? FindJsonException(Exception exception)
        {
            for (var e = exception.InnerException; e is not null; e = e.InnerException)
            {
                if (e is JsonException json) return json;
            }
            return null;
        }

        // System.Text.Json reports paths in JSON names: "$.items[2].quantity" -> "items[2].quantity".
        private static string JsonPathToField(string? path) =>
            string.IsNullOrEmpty(path) || path == "$" ? "body"
            : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..]
            : path.TrimStart('$');

        // "Failed to bind parameter "int? Limit" from "abc"."
        [GeneratedRegex("""parameter "[^" ]+ (\w+)" from""")]
        private static partial Regex ParameterName();
    }
}
