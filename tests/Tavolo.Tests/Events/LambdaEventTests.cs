using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Tests.Events;

/// <summary>The app as one Lambda function sees it: <c>Tavolo__Hosting=lambda</c>, no background loops.</summary>
public sealed class LambdaApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Tavolo:Hosting"] = "lambda" };
}

public sealed class LambdaEventTests(LambdaApp app) : IClassFixture<LambdaApp>
{
    private static JsonObject Sample(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Events", "samples", name)))!.AsObject();

    private async Task<JsonObject> PostEventAsync(JsonObject payload)
    {
        using var client = app.Anonymous(); // the Web Adapter calls from inside the function: no bearer token
        return await (await client.PostAsync("/events", HttpAssertions.Json(payload.ToJsonString()))).ReadJsonAsync(HttpStatusCode.OK);
    }

    /// <summary>A waitee made due by staff: the producer queued one outbox notification; its queue message, received.</summary>
    private async Task<(HttpClient Owner, string WaiteeUrl, ReceivedMessage Message)> QueuedNotificationAsync()
    {
        var owner = (await app.NewUserAsync("owner")).Client();
        var waitlist = await (await owner.PostAsJsonAsync("/waitlists", new { name = "Lambda" })).ReadJsonAsync(HttpStatusCode.Created);
        var waitee = await (await owner.PostAsJsonAsync($"/waitlists/{waitlist["id"]}/waitees", new { name = "P", partySize = 2, phone = "+14155550123" }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var url = $"/waitlists/{waitlist["id"]}/waitees/{waitee["id"]}";
        var queue = app.Services.GetRequiredService<INotificationQueue>();
        foreach (var left in await queue.ReceiveAsync(10, TimeSpan.FromMinutes(5), TimeSpan.Zero, default))
            await queue.DeleteAsync(left.ReceiptHandle, default); // what other tests of this class queued
        Assert.Equal(HttpStatusCode.Accepted, (await owner.PostAsync(url + "/notify", null)).StatusCode);
        var message = Assert.Single(await queue.ReceiveAsync(10, TimeSpan.FromMinutes(5), TimeSpan.Zero, default));
        return (owner, url, message);
    }

    [Fact]
    public async Task An_SQS_batch_delivers_each_record_and_reports_the_malformed_ones()
    {
        var (owner, url, message) = await QueuedNotificationAsync();
        var batch = Sample("sqs-batch.json");
        var records = batch["Records"]!.AsArray();
        records[0]!["messageId"] = message.MessageId;
        records[0]!["receiptHandle"] = message.ReceiptHandle;
        records[0]!["body"] = message.Body; // the second record keeps the sample's body "test": malformed

        var answer = await PostEventAsync(batch);
        var failure = Assert.Single(answer["batchItemFailures"]!.AsArray());
        Assert.Equal((string)records[1]!["messageId"]!, (string)failure!["itemIdentifier"]!);
        Assert.Equal("NOTIFIED", (string)(await (await owner.GetAsync(url)).ReadJsonAsync(HttpStatusCode.OK))["status"]!);

        // The same record delivered again (SQS is at-least-once) is a success that sends nothing twice.
        var again = await PostEventAsync(batch);
        Assert.Single(again["batchItemFailures"]!.AsArray());
        var notifications = await (await owner.GetAsync(url[..url.IndexOf("/waitees", StringComparison.Ordinal)] + "/notifications")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)Assert.Single(notifications["items"]!.AsArray())!["attempts"]!);
    }

    [Fact]
    public async Task A_scheduled_event_runs_one_producer_pass()
    {
        var owner = (await app.NewUserAsync("owner")).Client();
        var waitlist = await (await owner.PostAsJsonAsync("/waitlists", new { name = "Timer" })).ReadJsonAsync(HttpStatusCode.Created);
        await (await owner.PostAsJsonAsync($"/waitlists/{waitlist["id"]}/waitees", new { name = "Q", partySize = 2, phone = "+14155550123", notifyInMinutes = 5 }))
            .ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(0, (int)(await PostEventAsync(Sample("eventbridge-scheduled.json")))["queued"]!);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, (int)(await PostEventAsync(Sample("eventbridge-scheduled.json")))["queued"]!);
        Assert.Equal(0, (int)(await PostEventAsync(Sample("eventbridge-scheduled.json")))["queued"]!);
    }

    [Fact]
    public async Task A_token_authorizer_request_gets_allow_with_the_caller_or_deny()
    {
        var user = await app.NewUserAsync("owner");
        var request = Sample("apigateway-token-authorizer.json");
        var methodArn = (string)request["methodArn"]!;

        request["authorizationToken"] = "Bearer " + user.AccessToken;
        var allowed = await PostEventAsync(request);
        Assert.Equal(user.Id, (string)allowed["principalId"]!);
        var statement = allowed["policyDocument"]!["Statement"]![0]!;
        Assert.Equal("2012-10-17", (string)allowed["policyDocument"]!["Version"]!);
        Assert.Equal(("execute-api:Invoke", "Allow", methodArn), ((string)statement["Action"]!, (string)statement["Effect"]!, (string)statement["Resource"]!));
        Assert.Equal(user.Id, (string)allowed["context"]!["userId"]!);
        Assert.Equal("owner", (string)allowed["context"]!["role"]!);
        Assert.False(string.IsNullOrEmpty((string?)allowed["context"]!["sessionId"]));

        foreach (var token in new[] { "incoming-client-token", "Bearer " + user.AccessToken[..^4] + "AAAA", "" })
        {
            request["authorizationToken"] = token;
            var denied = await PostEventAsync(request);
            Assert.Equal("Deny", (string)denied["policyDocument"]!["Statement"]![0]!["Effect"]!);
            Assert.False(denied.ContainsKey("context"));
        }

        // A revoked session is denied at the gateway too.
        using var client = user.Client();
        await client.PostAsJsonAsync("/auth/logout", new { refreshToken = user.RefreshToken });
        request["authorizationToken"] = user.AccessToken;
        Assert.Equal("Deny", (string)(await PostEventAsync(request))["policyDocument"]!["Statement"]![0]!["Effect"]!);
    }

    [Fact]
    public async Task Anything_else_is_a_400()
    {
        using var client = app.Anonymous();
        await (await client.PostAsync("/events", HttpAssertions.Json("""{"hello": "world"}"""))).AssertFieldErrorAsync("body");
        await (await client.PostAsync("/events", HttpAssertions.Json("[1]"))).AssertFieldErrorAsync("body");
        await (await client.PostAsync("/events", HttpAssertions.Json("{"))).AssertFieldErrorAsync("body");
    }
}

public sealed class EventsOffLambdaTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Fact]
    public async Task Events_are_404_when_not_hosted_on_lambda()
    {
        using var client = app.Anonymous();
        await (await client.PostAsync("/events", HttpAssertions.Json("""{"type": "TOKEN", "methodArn": "x"}"""))).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
