using System.Security.Claims;
using System.Text.Json.Nodes;
using Tavolo.Platform;

namespace Tavolo.Auth;

/// <summary>
/// An API Gateway <c>TOKEN</c> authorizer request: the same check as every request (signature, claims, live session).
/// Allow for the method ARN with the caller as principal and context; otherwise Deny (the template maps API Gateway's
/// ACCESS_DENIED response to a 401 problem).
/// </summary>
public sealed class TokenAuthorizerEvent(Authenticator authenticator) : ILambdaEventHandler
{
    public string Describes => "a TOKEN authorizer request";

    public bool Handles(JsonObject payload) => (string?)payload["type"] == "TOKEN" && payload["methodArn"] is JsonValue;

    public async Task<JsonObject> HandleAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        var header = (string?)payload["authorizationToken"] ?? "";
        var token = BearerTokens.TokenOf(header) ?? header.Trim();
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
                    ["Resource"] = (string)payload["methodArn"]!,
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
}
