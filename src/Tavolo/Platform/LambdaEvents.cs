using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace Tavolo.Platform;

/// <summary>
/// A kind of non-HTTP Lambda event that a module answers through <c>POST /events</c>; modules register theirs as
/// <c>ILambdaEventHandler</c> services (today: the notifications' SQS batch and schedule, Auth's TOKEN authorizer).
/// </summary>
public interface ILambdaEventHandler
{
    /// <summary>What the event is, for the refusal of one nobody handles (e.g. "an SQS batch").</summary>
    string Describes { get; }

    /// <summary>Whether the payload has this event's shape (the shapes of the handlers do not overlap).</summary>
    bool Handles(JsonObject payload);

    /// <summary>The answer, in the shape the event's caller expects.</summary>
    Task<JsonObject> HandleAsync(JsonObject payload, CancellationToken cancellationToken);
}

/// <summary>
/// <c>POST /events</c>: the non-HTTP Lambda events that the AWS Lambda Web Adapter passes through (only when
/// <c>Tavolo__Hosting=lambda</c>). Each is recognised by its shape and handed to the module that registered it.
/// </summary>
public static class LambdaEvents
{
    /// <summary>A Lambda event can be up to 6 MB; SQS batches of ten are far larger than the API's 64 KiB bodies.</summary>
    private const long MaxEventBytes = 6 * 1024 * 1024;

    public static IEndpointRouteBuilder MapLambdaEvents(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events", HandleAsync).WithTags("Operations")
            .WithMetadata(new RequestSizeLimitAttribute(MaxEventBytes))
            .Accepts<JsonObject>("application/json").Produces<JsonObject>().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("A raw Lambda event from the Web Adapter's pass-through, answered by the module that handles its kind.");
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, [FromServices] IEnumerable<ILambdaEventHandler> handlers, CancellationToken cancellationToken)
    {
        JsonObject? payload;
        try
        {
            payload = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: cancellationToken) as JsonObject;
        }
        catch (JsonException)
        {
            payload = null;
        }
        if (payload is null)
            return Problems.Validation("body", "The event is not a JSON object.");
        foreach (var handler in handlers)
        {
            if (handler.Handles(payload))
                return Json(await handler.HandleAsync(payload, cancellationToken));
        }
        return Problems.Validation("body", $"Not an event Tavolo handles: expected {Expected(handlers.Select(h => h.Describes).ToList())}.");
    }

    private static string Expected(List<string> kinds) =>
        kinds.Count <= 1 ? kinds.FirstOrDefault() ?? "none" : string.Join(", ", kinds[..^1]) + " or " + kinds[^1];

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), "application/json");
}
