using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tavolo.Tests.Platform;

/// <summary>
/// A stand-in for AWS Systems Manager Parameter Store on 127.0.0.1: answers <c>AmazonSSM.GetParameters</c> in the
/// service's JSON 1.1 protocol from a dictionary, names it lacks as <c>InvalidParameters</c>, and records each call.
/// </summary>
public sealed class SecretStoreStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    public SecretStoreStandIn(IDictionary<string, string> parameters)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
        _app = builder.Build();
        _app.MapPost("/", async (HttpContext context) =>
        {
            var target = context.Request.Headers["X-Amz-Target"].ToString();
            var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            Calls.Enqueue(new Call(target, context.Request.Headers.Authorization.ToString(), body));
            if (target != "AmazonSSM.GetParameters")
                return Results.Json(new JsonObject { ["__type"] = "InvalidAction", ["message"] = target }, statusCode: 400, contentType: "application/x-amz-json-1.1");
            var found = new JsonArray();
            var invalid = new JsonArray();
            foreach (var name in body["Names"]!.AsArray().Select(n => (string)n!))
            {
                if (parameters.TryGetValue(name, out var value))
                    found.Add(new JsonObject { ["Name"] = name, ["Type"] = "SecureString", ["Value"] = value, ["Version"] = 1, ["DataType"] = "text" });
                else
                    invalid.Add(name);
            }
            return Results.Text(new JsonObject { ["Parameters"] = found, ["InvalidParameters"] = invalid }.ToJsonString(), "application/x-amz-json-1.1");
        });
        _app.StartAsync().GetAwaiter().GetResult();
        Url = _app.Urls.Single();
    }

    public sealed record Call(string Target, string Authorization, JsonObject Body);

    public string Url { get; }

    public ConcurrentQueue<Call> Calls { get; } = new();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
