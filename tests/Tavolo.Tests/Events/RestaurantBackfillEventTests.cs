using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tavolo.Storage.Aws;

namespace Tavolo.Tests.Events;

/// <summary>One Lambda function on the DynamoDB home (an emulator; promo codes and the queue stay on SQLite).</summary>
public sealed class DynamoLambdaApp : TavoloApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tavolo:Hosting"] = "lambda",
        ["Tavolo:Storage"] = "dynamodb",
        ["Tavolo:Aws:CreateResources"] = "true",
        ["Tavolo:DynamoDb:ServiceUrl"] = Emulators.DynamoDbAsync().GetAwaiter().GetResult(),
        ["Tavolo:DynamoDb:TablePrefix"] = "e" + Guid.NewGuid().ToString("N")[..10] + "-",
    };
}

/// <summary>
/// The event deploy/sam-deploy.sh invokes the restaurants function with after <c>sam deploy</c>: the backfill, through
/// <c>POST /events</c>, answering whether it is done. (What the backfill does: DynamoRestaurantBackfillTests.)
/// </summary>
public sealed class RestaurantBackfillEventTests(DynamoLambdaApp app) : IClassFixture<DynamoLambdaApp>
{
    private async Task<JsonObject> PostEventAsync(string json)
    {
        using var client = app.Anonymous();
        return await (await client.PostAsync("/events", HttpAssertions.Json(json))).ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_deploy_event_runs_the_backfill_and_says_when_it_is_done()
    {
        // The start against an emulator (CreateResources) ran it already: the event finds it done and reads nothing more.
        var answer = await PostEventAsync("""{"tavolo": "backfill-restaurants"}""");
        Assert.Equal("""{"done":true,"created":0,"pages":0}""", answer.ToJsonString());

        var dynamo = app.Services.GetRequiredService<Amazon.DynamoDBv2.IAmazonDynamoDB>();
        var tables = app.Services.GetRequiredService<DynamoTables>();
        await dynamo.DeleteItemAsync(tables.Restaurants.Name, new() { ["pk"] = Dynamo.S("MIGRATION#restaurants"), ["sk"] = Dynamo.S("DONE") });
        await dynamo.DeleteItemAsync(tables.Restaurants.Name, new() { ["pk"] = Dynamo.S("MIGRATION#restaurants"), ["sk"] = Dynamo.S("PROGRESS") });
        var again = await PostEventAsync("""{"tavolo": "backfill-restaurants"}""");
        Assert.True((bool)again["done"]!);
        Assert.True((int)again["pages"]! >= 3); // one page at least of each of the three sources
    }
}
