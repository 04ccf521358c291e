using Tavolo.Tests.Startup;
using YamlDotNet.RepresentationModel;

namespace Tavolo.Tests.Deploy;

/// <summary>
/// A canary per function in deploy/template.yaml: every function is published behind the alias <c>live</c>, CodeDeploy
/// shifts its traffic gradually, and two alarms of its own (errors, p99 latency) on that alias and the version being
/// deployed roll it back — so a bad release of one module rolls back by itself.
/// </summary>
public sealed class CanaryTemplateTests
{
    private const string Alias = "live";

    private static readonly YamlMappingNode Template = Load();

    private static YamlMappingNode Load()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Repository.Root, "deploy", "template.yaml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Resources => (YamlMappingNode)Template["Resources"];

    private static YamlMappingNode GlobalFunction => (YamlMappingNode)((YamlMappingNode)Template["Globals"])["Function"];

    private static List<(string Name, YamlMappingNode Properties)> Functions() =>
        Resources.Children.Where(r => ((YamlMappingNode)r.Value)["Type"].ToString() == "AWS::Serverless::Function")
            .Select(r => (r.Key.ToString(), (YamlMappingNode)((YamlMappingNode)r.Value)["Properties"])).ToList();

    /// <summary>A function's own value, else the Globals' (SAM merges a map property of a function with the Globals' one).</summary>
    private static YamlNode? Setting(YamlMappingNode function, string property, string? key = null)
    {
        foreach (var source in new[] { function, GlobalFunction })
        {
            if (!source.Children.TryGetValue(property, out var value))
                continue;
            if (key is null)
                return value;
            if (((YamlMappingNode)value).Children.TryGetValue(key, out var inner))
                return inner;
        }
        return null;
    }

    private static string Tagged(YamlNode node, string tag)
    {
        Assert.Equal(tag, node.Tag.IsEmpty ? "" : node.Tag.Value);
        return node.ToString();
    }

    private static List<string> AlarmsOf(YamlMappingNode function) =>
        Setting(function, "DeploymentPreference", "Alarms") is YamlSequenceNode alarms
            ? alarms.Children.Select(a => Tagged(a, "!Ref")).ToList()
            : [];

    [Fact]
    public void Every_function_is_published_behind_its_alias_and_deployed_as_a_canary_or_linear_shift()
    {
        var functions = Functions();
        Assert.NotEmpty(functions);
        foreach (var (name, function) in functions)
        {
            Assert.Equal(Alias, Setting(function, "AutoPublishAlias")?.ToString()); // AutoPublishAlias, on the function or in Globals
            var type = Setting(function, "DeploymentPreference", "Type")?.ToString() ?? "";
            Assert.True(type.StartsWith("Canary", StringComparison.Ordinal) || type.StartsWith("Linear", StringComparison.Ordinal),
                $"{name} deploys with '{type}', not a canary or linear shift");
            Assert.NotEqual("false", Setting(function, "DeploymentPreference", "Enabled")?.ToString());
        }
    }

    [Fact]
    public void Every_function_is_rolled_back_by_its_own_error_and_p99_latency_alarms_on_its_alias()
    {
        var owners = new Dictionary<string, string>();
        foreach (var (name, function) in Functions())
        {
            var alarms = AlarmsOf(function);
            Assert.True(alarms.Count >= 2, $"{name} lists {alarms.Count} rollback alarms, not its error and latency alarms");
            var metrics = new List<string>();
            foreach (var alarm in alarms)
            {
                Assert.True(Resources.Children.TryGetValue(alarm, out var resource), $"{name}'s rollback alarm {alarm} does not exist");
                Assert.Equal("AWS::CloudWatch::Alarm", ((YamlMappingNode)resource)["Type"].ToString());
                Assert.True(owners.TryAdd(alarm, name), $"{alarm} rolls back both {owners.GetValueOrDefault(alarm)} and {name}: each function needs its own");
                var properties = (YamlMappingNode)((YamlMappingNode)resource)["Properties"];
                Assert.Equal("AWS/Lambda", properties["Namespace"].ToString());
                var dimensions = ((YamlSequenceNode)properties["Dimensions"]).Children.Cast<YamlMappingNode>()
                    .ToDictionary(d => d["Name"].ToString(), d => d["Value"]);
                Assert.Equal(name, Tagged(dimensions["FunctionName"], "!Ref"));
                Assert.Equal($"${{{name}}}:{Alias}", Tagged(dimensions["Resource"], "!Sub"));
                Assert.Equal($"{name}.Version.Version", Tagged(dimensions["ExecutedVersion"], "!GetAtt")); // the version being shifted to
                var metric = properties["MetricName"].ToString();
                if (metric == "Duration")
                    Assert.Equal("p99", properties["ExtendedStatistic"].ToString());
                metrics.Add(metric);
            }
            Assert.Contains("Errors", metrics); // an error alarm among its rollback alarms
            Assert.Contains("Duration", metrics); // and a p99 latency alarm
        }
    }

    [Fact]
    public void A_change_of_configuration_alone_publishes_a_new_version_so_live_runs_it()
    {
        // Without AutoPublishAliasAllProperties SAM hashes only the code: a new PublicBaseUrl or secret name would
        // publish nothing, and `live` would keep serving the old settings.
        Assert.Equal("true", GlobalFunction["AutoPublishAliasAllProperties"].ToString());
        foreach (var (name, function) in Functions())
            Assert.NotEqual("false", Setting(function, "AutoPublishAliasAllProperties")?.ToString());
    }

    [Fact]
    public void Every_function_is_in_the_any_function_alarms_and_on_the_dashboard()
    {
        var functions = Functions().Select(f => f.Name).Order().ToList();
        foreach (var (alarm, metric) in new[] { ("FunctionErrorsAlarm", "Errors"), ("FunctionThrottlesAlarm", "Throttles") })
        {
            var metrics = ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)Resources[alarm])["Properties"])["Metrics"]).Children.Cast<YamlMappingNode>().ToList();
            var stats = metrics.Where(m => m.Children.ContainsKey("MetricStat")).Select(m => (YamlMappingNode)((YamlMappingNode)m["MetricStat"])["Metric"]).ToList();
            Assert.All(stats, m => Assert.Equal(metric, m["MetricName"].ToString()));
            var named = stats.Select(m => Tagged(((YamlMappingNode)((YamlSequenceNode)m["Dimensions"]).Children.Single())["Value"], "!Ref")).Order().ToList();
            Assert.Equal(functions, named); // each function once, and nothing else
            var expression = metrics.Single(m => m.Children.ContainsKey("Expression"));
            Assert.Equal("SUM(METRICS())", expression["Expression"].ToString()); // sums whatever is listed: no id to forget
            Assert.True(metrics.Count <= 10, $"{alarm} has {metrics.Count} metrics; CloudWatch takes at most 10");
        }
        var dashboard = ((YamlMappingNode)((YamlMappingNode)Resources["Dashboard"])["Properties"])["DashboardBody"].ToString();
        var widgets = System.Text.Json.JsonDocument.Parse(dashboard).RootElement.GetProperty("widgets").EnumerateArray().ToList();
        foreach (var metric in new[] { "Errors", "Throttles" })
        {
            var lines = widgets.SelectMany(w => w.GetProperty("properties").GetProperty("metrics").EnumerateArray())
                .Select(l => l.EnumerateArray().Where(v => v.ValueKind == System.Text.Json.JsonValueKind.String).Select(v => v.GetString()!).ToList())
                .Where(l => l is ["AWS/Lambda", var name, ..] && name == metric).ToList();
            Assert.All(lines, l => Assert.Equal("FunctionName", l[2])); // per function, not the account's total
            Assert.Equal(functions, lines.Select(l => l[3].Trim('$', '{', '}')).Order().ToList());
        }
    }

    [Fact]
    public void The_gateway_calls_the_authorizer_through_its_alias_so_it_is_canaried_too()
    {
        var api = Resources.Children.Values.Cast<YamlMappingNode>().Single(r => r["Type"].ToString() == "AWS::Serverless::Api");
        var authorizers = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)api["Properties"])["Auth"])["Authorizers"];
        foreach (var authorizer in authorizers.Children.Values.Cast<YamlMappingNode>())
        {
            var arn = Tagged(authorizer["FunctionArn"], "!Ref");
            Assert.EndsWith(".Alias", arn, StringComparison.Ordinal);
        }
    }
}
