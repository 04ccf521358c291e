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

    [Fact]
    public void The_web_adapter_waits_for_liveness_not_for_the_backends()
    {
        Assert.Equal("/health/live", At(Root, "Globals", "Function", "Environment", "Variables", "AWS_LWA_READINESS_CHECK_PATH").ToString());
    }
}
