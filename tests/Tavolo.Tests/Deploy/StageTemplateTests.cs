using YamlDotNet.RepresentationModel;
using static Tavolo.Tests.Deploy.TemplateFile;

namespace Tavolo.Tests.Deploy;

/// <summary>The API stage in deploy/template.yaml: throttled as a whole, and an access log line per request, kept for a while.</summary>
public sealed class StageTemplateTests
{
    private static YamlMappingNode Api => (YamlMappingNode)At(OfType("AWS::Serverless::Api").Single().Resource, "Properties");

    private static string Default(string parameter) => At(Root, "Parameters", parameter, "Default").ToString();

    [Fact]
    public void The_stage_throttles_every_route()
    {
        var settings = ((YamlSequenceNode)Api["MethodSettings"]).Children.Cast<YamlMappingNode>().ToList();
        var all = Assert.Single(settings, s => s["ResourcePath"].ToString() == "/*" && s["HttpMethod"].ToString() == "*");
        Assert.Equal(("!Ref", "ThrottlingRateLimit"), Tagged(all["ThrottlingRateLimit"]));
        Assert.Equal(("!Ref", "ThrottlingBurstLimit"), Tagged(all["ThrottlingBurstLimit"]));
        Assert.InRange(int.Parse(Default("ThrottlingRateLimit"), System.Globalization.CultureInfo.InvariantCulture), 1, 10_000);
        Assert.True(int.Parse(Default("ThrottlingBurstLimit"), System.Globalization.CultureInfo.InvariantCulture) >= int.Parse(Default("ThrottlingRateLimit"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_stage_writes_an_access_log_line_per_request_without_secrets_kept_for_the_retention_period()
    {
        var access = (YamlMappingNode)Api["AccessLogSetting"];
        Assert.Equal(("!GetAtt", "ApiAccessLogs.Arn"), Tagged(access["DestinationArn"]));
        var format = System.Text.Json.JsonDocument.Parse(access["Format"].ToString()).RootElement; // one JSON object a line
        var fields = format.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        foreach (var variable in new[] { "$context.requestId", "$context.status", "$context.httpMethod", "$context.resourcePath", "$context.responseLatency" })
            Assert.Contains(variable, fields.Values);
        // The resource's template (/guest/{proxy+}), never the path itself (a guest's link), nor headers or the query.
        Assert.DoesNotContain(fields.Values, v => v.Contains("$context.path", StringComparison.Ordinal) || v.Contains("header", StringComparison.OrdinalIgnoreCase) || v.Contains("querystring", StringComparison.OrdinalIgnoreCase));

        var group = OfType("AWS::Logs::LogGroup").Single(g => g.Name == "ApiAccessLogs").Resource;
        Assert.Equal(("!Ref", "LogRetentionDays"), Tagged(At(group, "Properties", "RetentionInDays")));
        Assert.Equal("30", Default("LogRetentionDays"));
        // API Gateway writes logs with the account's role: the template sets it unless told the account has one.
        Assert.Equal("SetApiGatewayLogsRole", At(OfType("AWS::ApiGateway::Account").Single().Resource, "Condition").ToString());
    }
}
