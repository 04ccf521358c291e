using Tavolo.Tests.Startup;
using YamlDotNet.RepresentationModel;

namespace Tavolo.Tests.Deploy;

/// <summary>The AWS home's backups and health checks, read from deploy/template.yaml.</summary>
public sealed class RecoveryTemplateTests
{
    private static readonly YamlMappingNode Root = Load();

    private static YamlMappingNode Load()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Repository.Root, "deploy", "template.yaml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key]);

    private static IEnumerable<(string Name, YamlNode Properties)> Resources(string type) =>
        ((YamlMappingNode)Root["Resources"]).Children
            .Where(r => At(r.Value, "Type").ToString() == type)
            .Select(r => (r.Key.ToString(), At(r.Value, "Properties")));

    [Fact]
    public void Every_DynamoDB_table_has_point_in_time_recovery()
    {
        var tables = Resources("AWS::DynamoDB::Table").ToList();
        Assert.NotEmpty(tables);
        Assert.All(tables, t => Assert.Equal("true", At(t.Properties, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled").ToString()));
    }

    [Fact]
    public void Aurora_keeps_automated_backups_for_at_least_a_week_and_snapshots_on_delete()
    {
        var (name, properties) = Assert.Single(Resources("AWS::RDS::DBCluster"));
        Assert.True(int.Parse(At(properties, "BackupRetentionPeriod").ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 7);
        Assert.Equal("Snapshot", At(Root, "Resources", name, "DeletionPolicy").ToString());
    }

    /// <summary>What holds data or the key to it, and the policy that keeps it when the stack is deleted or the resource replaced.</summary>
    private static readonly Dictionary<string, string> Stateful = new()
    {
        ["AWS::DynamoDB::Table"] = "Retain",
        ["AWS::SQS::Queue"] = "Retain",
        ["AWS::SecretsManager::Secret"] = "Retain",
        ["AWS::RDS::DBCluster"] = "Snapshot",
        ["AWS::S3::Bucket"] = "Retain",
        ["AWS::EFS::FileSystem"] = "Retain",
    };

    [Fact]
    public void Every_stateful_resource_outlives_sam_delete_and_replacement()
    {
        var resources = ((YamlMappingNode)Root["Resources"]).Children.Where(r => Stateful.ContainsKey(At(r.Value, "Type").ToString())).ToList();
        Assert.Equal(6 + 2 + 1 + 1, resources.Count); // six tables, two queues, the database secret, the cluster
        foreach (var (name, resource) in resources)
        {
            var policy = Stateful[At(resource, "Type").ToString()];
            var own = ((YamlMappingNode)resource).Children;
            Assert.True(own.TryGetValue("DeletionPolicy", out var deletion) && deletion.ToString() == policy, $"{name} has no DeletionPolicy: {policy}");
            Assert.True(own.TryGetValue("UpdateReplacePolicy", out var replace) && replace.ToString() == policy, $"{name} has no UpdateReplacePolicy: {policy}");
        }
    }

    [Fact]
    public void The_DynamoDB_gateway_endpoint_is_skipped_where_the_route_tables_have_one()
    {
        var endpoint = Resources("AWS::EC2::VPCEndpoint").Single(e => At(e.Properties, "ServiceName").ToString().EndsWith(".dynamodb", StringComparison.Ordinal)).Name;
        var condition = At(Root, "Resources", endpoint, "Condition").ToString();
        var test = (YamlSequenceNode)At(Root, "Conditions", condition);
        Assert.Equal("!Equals", test.Tag.Value);
        Assert.Equal("CreateDynamoDbEndpoint", test.Children[0].ToString());
        Assert.Equal("true", test.Children[1].ToString());
        Assert.Equal("true", At(Root, "Parameters", "CreateDynamoDbEndpoint", "Default").ToString()); // a new VPC gets one
        // Nothing else may name it (a Ref to a resource that was not created fails the deploy).
        var text = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "template.yaml"));
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(text, $@"\b{endpoint}\b"));
    }

    [Fact]
    public void The_web_adapter_waits_for_liveness_not_for_the_backends()
    {
        Assert.Equal("/health/live", At(Root, "Globals", "Function", "Environment", "Variables", "AWS_LWA_READINESS_CHECK_PATH").ToString());
    }
}
