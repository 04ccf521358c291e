using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tavolo.Auth;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Platform;

/// <summary>
/// <c>POST /events</c>: the non-HTTP Lambda events that the AWS Lambda Web Adapter passes through (only when
/// <c>Tavolo__Hosting=lambda</c>). Each is recognised by its shape and answered in the shape its caller expects:
/// an SQS batch (partial batch failures), an EventBridge scheduled event (one producer pass), an API Gateway
/// <c>TOKEN</c> authorizer request (an IAM policy).
/// </summary>
public static class LambdaEvents
{
    /// <summary>A Lambda event can be up to 6 MB; SQS batches of ten are far larger than the API's 64 KiB bodies.</summary>
    private const long MaxEventBytes = 6 * 1024 * 1024;

    public static IEndpointRouteBuilder MapLambdaEvents(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events", HandleAsync).WithTags("Operations")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxEventBytes))
            .Accepts<JsonObject>("application/json").Produces<JsonObject>().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("A raw Lambda event from the Web Adapter's pass-through: SQS batch, scheduled event or TOKEN authorizer request.");
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, CancellationToken cancellationToken)
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
        var services = http.RequestServices;
        return payload switch
        {
            null => Problems.Validation("body", "The event is not a JSON object."),
            _ when payload["Records"] is JsonArray records && records.All(r => (string?)r?["eventSource"] == "aws:sqs") =>
                Json(await SqsBatchAsync(records, services.GetRequiredService<NotificationConsumer>(), cancellationToken)),
            _ when (string?)payload["source"] == "aws.events" && (string?)payload["detail-type"] == "Scheduled Event" =>
                Json(new JsonObject { ["queued"] = await services.GetRequiredService<NotificationProducer>().RunOnceAsync(cancellationToken) }),
            _ when (string?)payload["type"] == "TOKEN" && payload["methodArn"] is JsonValue arn =>
                Json(await AuthorizeAsync((string?)payload["authorizationToken"] ?? "", (string)arn!, services.GetRequiredService<Authenticator>(), cancellationToken)),
            _ => Problems.Validation("body", "Not an event Tavolo handles: expected an SQS batch, an EventBridge scheduled event or a TOKEN authorizer request."),
        };
    }

    /// <summary>Each record through the same consumer as the local loop; the ones that failed (malformed included) come back.</summary>
    private static async Task<JsonObject> SqsBatchAsync(JsonArray records, NotificationConsumer consumer, CancellationToken cancellationToken)
    {
        var failures = new JsonArray();
        foreach (var record in records)
        {
            var messageId = (string?)record?["messageId"];
            if (messageId is null)
                continue; // nothing to report it by; SQS keeps it until its visibility ends
            var body = (string?)record!["body"] ?? "";
            var receiveCount = int.TryParse((string?)record["attributes"]?["ApproximateReceiveCount"], out var count) ? count : 1;
            var handled = NotificationMessage.TryParse(body) is not null
                && await consumer.HandleAsync(new ReceivedMessage(messageId, body, (string?)record["receiptHandle"] ?? "", receiveCount), cancellationToken);
            if (!handled)
                failures.Add((JsonNode)new JsonObject { ["itemIdentifier"] = messageId });
        }
        return new JsonObject { ["batchItemFailures"] = failures };
    }

    /// <summary>
    /// The same check as every request (signature, claims, live session). Allow for the method ARN with the caller as
    /// principal and context; otherwise Deny (the template maps API Gateway's ACCESS_DENIED response to a 401 problem).
    /// </summary>
    private static async Task<JsonObject> AuthorizeAsync(string header, string methodArn, Authenticator authenticator, CancellationToken cancellationToken)
    {
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : header.Trim();
        var identity = token.Length == 0 ? null : await authenticator.AuthenticateAsync(token, cancellationToken);
        var principal = identity is null ? null : new ClaimsPrincipal(identity);
        var policy = new JsonObject
        {
            ["principalId"] = principal?.Id() ?? "anonymous",
            ["policyDocument"] = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = new JsonArray(new JsonObject
                {
                    ["Action"] = "execute-api:Invoke",
                    ["Effect"] = principal is null ? "Deny" : "Allow",
                    ["Resource"] = methodArn,
                }),
            },
        };
        if (principal is not null)
        {
            policy["context"] = new JsonObject
            {
                ["userId"] = principal.Id(),
                ["role"] = principal.FindFirst("role")?.Value,
                ["sessionId"] = principal.SessionId(),
            };
        }
        return policy;
    }

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), "application/json");
}
