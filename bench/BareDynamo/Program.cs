using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

// The baseline of bench/coldstart-aws.sh: CreateSlimBuilder, a DynamoDB client, and one route that reads one item
// (BARE_TABLE, key pk/sk = "bench", there or not) from the DynamoDB at BARE_DYNAMODB_URL. Nothing of Tavolo.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var dynamo = new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"),
    new AmazonDynamoDBConfig { ServiceURL = Environment.GetEnvironmentVariable("BARE_DYNAMODB_URL"), AuthenticationRegion = "us-east-1" });
var table = Environment.GetEnvironmentVariable("BARE_TABLE") ?? "bench";
var app = builder.Build();
app.MapGet("/item", async () =>
{
    var item = await dynamo.GetItemAsync(new GetItemRequest
    {
        TableName = table,
        Key = new() { ["pk"] = new AttributeValue { S = "bench" }, ["sk"] = new AttributeValue { S = "bench" } },
    });
    return Results.Text(item.IsItemSet ? "found" : "none"); // one GetItem either way
});
await app.RunAsync();
