using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tavolo.Platform;
using Tavolo.Storage.Aws;
using Tavolo.Tests.Startup;
using YamlDotNet.RepresentationModel;

namespace Tavolo.Tests.Deploy;

/// <summary>
/// Keeps deploy/template.yaml honest against the code: every route the app maps reaches the function that serves it
/// (and public routes skip the authorizer), every function names known modules, every table and queue the code
/// uses exists with the keys and indexes the code queries.
/// </summary>
public sealed class TemplateTests
{
    private static readonly YamlMappingNode Resources = LoadResources();

    private sealed record Event(string Function, string Path, string Method, bool Public);

    private sealed record Route(string Method, string Path, bool Public);

    private static YamlMappingNode LoadResources()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Repository.Root, "deploy", "template.yaml"));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["Resources"];
    }

    private static IEnumerable<(string Name, YamlMappingNode Properties)> OfType(string type) =>
        Resources.Children.Where(r => ((YamlMappingNode)r.Value)["Type"].ToString() == type)
            .Select(r => (r.Key.ToString(), (YamlMappingNode)((YamlMappingNode)r.Value)["Properties"]));

    private static string[] Modules(YamlMappingNode function) =>
        ((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)function["Environment"])["Variables"]))["Tavolo__Modules"].ToString()
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static IEnumerable<(string Type, YamlMappingNode Properties)> Events(YamlMappingNode function) =>
        function.Children.TryGetValue("Events", out var events)
            ? ((YamlMappingNode)events).Children.Values.Cast<YamlMappingNode>().Select(e => (e["Type"].ToString(), (YamlMappingNode)e["Properties"]))
            : [];

    private static List<Event> ApiEvents() =>
        OfType("AWS::Serverless::Function").SelectMany(f => Events(f.Properties).Where(e => e.Type == "Api").Select(e => new Event(
            f.Name, e.Properties["Path"].ToString(), e.Properties["Method"].ToString(),
            e.Properties.Children.TryGetValue("Auth", out var auth) && ((YamlMappingNode)auth)["Authorizer"].ToString() == "NONE"))).ToList();

    /// <summary>The routes the app maps when it serves only <paramref name="module"/>, as one Lambda function would.</summary>
    private static List<Route> RoutesOf(string module)
    {
        var folder = Directory.CreateTempSubdirectory("tavolo-routes-").FullName;
        try
        {
            using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("Tavolo:Modules", module);
                b.UseSetting("Tavolo:Hosting", "lambda");
                b.UseSetting("Tavolo:Sqlite:Path", Path.Combine(folder, "t.db"));
            });
            return factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).SelectMany(method => Paths(e.RoutePattern.RawText!).Select(path => new Route(
                    method, path, e.Metadata.GetMetadata<IAllowAnonymous>() is not null || e.Metadata.GetMetadata<IAuthorizeData>() is null))))
                .Distinct().ToList();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true); // tests leave nothing behind in the temp folder
        }
    }

    /// <summary>The paths a pattern answers: with and without a trailing optional parameter (<c>/docs/{name?}</c>).</summary>
    private static IEnumerable<string> Paths(string pattern)
    {
        var path = "/" + pattern.Trim('/');
        yield return path.Replace("?}", "}", StringComparison.Ordinal);
        if (path.EndsWith("?}", StringComparison.Ordinal))
            yield return path[..path.LastIndexOf('/')] is { Length: > 0 } shorter ? shorter : "/";
    }

    private static readonly Lazy<Dictionary<string, List<Route>>> Routes = new(() =>
        TavoloOptions.KnownModules.ToDictionary(m => m, RoutesOf));

    /// <summary>What every function maps whatever its module (health, OpenAPI, docs, /events).</summary>
    private static List<Route> PlatformRoutes => Routes.Value["authorizer"];

    /// <summary>How specifically an API Gateway path matches a route path: null when it does not; higher wins (static &gt; {var} &gt; {proxy+}).</summary>
    private static int? Match(string template, string route)
    {
        var t = template.Trim('/').Split('/');
        var r = route.Trim('/').Split('/');
        var score = 0;
        for (var i = 0; i < t.Length; i++)
        {
            if (t[i].EndsWith("+}", StringComparison.Ordinal))
                return i < r.Length ? score : null;
            if (i >= r.Length)
                return null;
            if (t[i].StartsWith('{'))
                score += 1;
            else if (t[i] == r[i])
                score += 100;
            else
                return null;
            score *= 2;
        }
        return t.Length == r.Length ? score + 1_000_000 : null;
    }

    private static Event? BestEvent(Route route) =>
        ApiEvents().Where(e => (e.Method == "ANY" || e.Method == route.Method) && Match(e.Path, route.Path) is not null)
            .OrderByDescending(e => Match(e.Path, route.Path)).FirstOrDefault();

    private static Dictionary<string, string[]> FunctionModules() =>
        OfType("AWS::Serverless::Function").ToDictionary(f => f.Name, f => Modules(f.Properties));

    [Fact]
    public void Every_function_names_known_modules_and_each_http_module_has_one_function()
    {
        var functions = FunctionModules();
        Assert.All(functions.Values.SelectMany(m => m), m => Assert.Contains(m, TavoloOptions.KnownModules));
        foreach (var module in new[] { "auth", "users", "waitlists", "restaurants", "orders", "promo-codes" })
            Assert.Single(functions, f => f.Value.Contains(module));
    }

    [Fact]
    public void Every_route_reaches_a_function_that_serves_it_and_public_routes_skip_the_authorizer()
    {
        var functions = FunctionModules();
        var platform = PlatformRoutes.Where(r => r.Path != "/events").ToList();
        foreach (var (module, routes) in Routes.Value)
        {
            foreach (var route in routes.Except(PlatformRoutes))
            {
                var target = BestEvent(route);
                Assert.True(target is not null, $"{route.Method} {route.Path} ({module}) has no API Gateway route");
                Assert.True(functions[target!.Function].Contains(module), $"{route.Method} {route.Path} goes to {target.Function}, which does not serve {module}");
                if (route.Public)
                    Assert.True(target.Public, $"{route.Method} {route.Path} is public in the app but behind the authorizer at the gateway");
            }
        }
        foreach (var route in platform)
        {
            var target = BestEvent(route);
            Assert.True(target is { Public: true }, $"{route.Method} {route.Path} must be routed, without the authorizer");
        }
        Assert.Null(BestEvent(new Route("POST", "/events", false))); // /events is the Web Adapter's, never the API's
    }

    [Fact]
    public void Every_api_route_in_the_template_is_served_by_its_function()
    {
        var functions = FunctionModules();
        var events = ApiEvents().ToList();
        Assert.NotEmpty(events); // a template that routes nothing must not pass for want of routes to check
        foreach (var e in events)
        {
            var served = functions[e.Function].SelectMany(m => Routes.Value[m]).Concat(PlatformRoutes);
            Assert.True(served.Any(r => (e.Method == "ANY" || e.Method == r.Method) && Match(e.Path, r.Path) is not null),
                $"{e.Method} {e.Path} on {e.Function} matches no route that function maps");
        }
    }

    [Fact]
    public void The_producer_runs_every_minute_and_the_consumer_reports_partial_batch_failures()
    {
        var functions = OfType("AWS::Serverless::Function").ToList();
        var producer = Assert.Single(functions, f => Events(f.Properties).Any(e => e.Type == "Schedule"));
        Assert.Equal("rate(1 minute)", Events(producer.Properties).Single(e => e.Type == "Schedule").Properties["Schedule"].ToString());
        Assert.Contains("notifications", Modules(producer.Properties));
        var consumer = Assert.Single(functions, f => Events(f.Properties).Any(e => e.Type == "SQS"));
        var sqs = Events(consumer.Properties).Single(e => e.Type == "SQS").Properties;
        Assert.Equal("ReportBatchItemFailures", ((YamlSequenceNode)sqs["FunctionResponseTypes"]).Children.Single().ToString());
        Assert.Contains("notifications", Modules(consumer.Properties));
    }

    [Fact]
    public void Every_table_the_code_uses_exists_with_its_keys_and_indexes()
    {
        var options = new TavoloOptions();
        options.DynamoDb.TablePrefix = "${AWS::StackName}-";
        var tables = OfType("AWS::DynamoDB::Table").ToDictionary(t => t.Properties["TableName"].ToString());
        foreach (var table in new DynamoTables(Options.Create(options)).All)
        {
            Assert.True(tables.TryGetValue(table.Name, out var defined), $"table {table.Name} is missing from the template");
            Assert.Equal(KeyNames(table.PartitionKey, table.SortKey), Keys((YamlSequenceNode)defined.Properties["KeySchema"]));
            var indexes = defined.Properties.Children.TryGetValue("GlobalSecondaryIndexes", out var gsis)
                ? ((YamlSequenceNode)gsis).Children.Cast<YamlMappingNode>().ToDictionary(i => i["IndexName"].ToString(), i => Keys((YamlSequenceNode)i["KeySchema"]))
                : [];
            Assert.Equal(table.Indexes.Select(i => i.Name).Order(), indexes.Keys.Order());
            foreach (var index in table.Indexes)
                Assert.Equal(KeyNames(index.PartitionKey, index.SortKey), indexes[index.Name]);
            Assert.Equal("ttl", ((YamlMappingNode)defined.Properties["TimeToLiveSpecification"])["AttributeName"].ToString());
            Assert.Equal("PAY_PER_REQUEST", defined.Properties["BillingMode"].ToString());
        }
        Assert.Equal(new DynamoTables(Options.Create(options)).All.Count(), tables.Count);
    }

    [Fact]
    public void The_queue_and_its_dead_letter_queue_match_the_code()
    {
        var queues = OfType("AWS::SQS::Queue").ToDictionary(q => q.Properties["QueueName"].ToString(), q => q.Properties);
        var name = "${AWS::StackName}-" + new TavoloOptions().Sqs.QueueName["tavolo-".Length..];
        Assert.True(queues.ContainsKey(name), $"queue {name} is missing");
        Assert.True(queues.ContainsKey(name + "-dlq"), $"queue {name}-dlq is missing");
        var redrive = (YamlMappingNode)queues[name]["RedrivePolicy"];
        Assert.Equal(Tavolo.Waitlists.Notifications.INotificationQueue.MaxReceives.ToString(System.Globalization.CultureInfo.InvariantCulture), redrive["maxReceiveCount"].ToString());
    }

    [Fact]
    public void No_function_gets_blanket_permissions()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "template.yaml"));
        Assert.DoesNotContain("FullAccess", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"Action:\s*""?\*", text);
        foreach (var (name, function) in OfType("AWS::Serverless::Function"))
            Assert.True(function.Children.ContainsKey("Policies") || Modules(function).Length == 0, $"{name} has no policy of its own");
    }

    [Fact]
    public void Every_function_runs_with_the_heap_limit_that_keeps_a_128_MB_function_under_100_MB()
    {
        // docs/performance.md: without it the first gen0 budget (sized from the CPU cache) let a burst raise AOT peak RSS to 121 MB.
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Repository.Root, "deploy", "template.yaml")))
            yaml.Load(reader);
        var globals = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["Globals"])["Function"];
        var variables = (YamlMappingNode)((YamlMappingNode)globals["Environment"])["Variables"];
        Assert.Equal(50, Convert.ToInt32(variables["DOTNET_GCHeapHardLimitPercent"].ToString(), 16)); // hex, like every GC setting
        foreach (var (name, function) in OfType("AWS::Serverless::Function"))
        {
            if (!function.Children.TryGetValue("Environment", out var environment))
                continue;
            var own = ((YamlMappingNode)((YamlMappingNode)environment)["Variables"]).Children;
            Assert.False(own.ContainsKey("DOTNET_GCHeapHardLimitPercent"), $"{name} overrides the heap limit");
        }
    }

    private static List<string> KeyNames(string partition, string? sort) => sort is null ? [partition] : [partition, sort];

    private static List<string> Keys(YamlSequenceNode schema) =>
        schema.Children.Cast<YamlMappingNode>().Select(k => k["AttributeName"].ToString()).ToList();
}
