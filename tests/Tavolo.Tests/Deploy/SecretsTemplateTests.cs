using YamlDotNet.RepresentationModel;
using static Tavolo.Tests.Deploy.TemplateFile;

namespace Tavolo.Tests.Deploy;

/// <summary>
/// No secret in any function's configuration: each function names the secrets it uses (read at start-up,
/// src/Tavolo/Platform/StartupSecrets.cs), may read exactly those, and the ones that never sign or verify get none.
/// </summary>
public sealed class SecretsTemplateTests
{
    private const string Prefix = "/aws/reference/secretsmanager/";

    /// <summary>Which function gets which secret (docs/deploy.md, "Secrets: which function reads which").</summary>
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["AuthFunction"] = ["Auth__SigningKeys", "Bootstrap__AdminPassword"], // the first admin's, while BootstrapAdminEmail is set
        ["UsersFunction"] = ["Auth__SigningKeys", "Secret"],
        ["WaitlistsFunction"] = ["Auth__SigningKeys", "Secret"],
        ["RestaurantsFunction"] = ["Auth__SigningKeys", "Secret"],
        ["OrdersFunction"] = ["Auth__SigningKeys", "PromoCodes__Password", "Secret"],
        ["PromoCodesFunction"] = ["Auth__SigningKeys", "PromoCodes__Password", "Secret"],
        ["AuthorizerFunction"] = ["Auth__SigningKeys"],
        ["NotificationProducerFunction"] = [],
        ["NotificationConsumerFunction"] = ["Smtp__Password"],
    };

    private static Dictionary<string, YamlNode> Variables(YamlNode function) =>
        Find(function, "Properties", "Environment", "Variables") is YamlMappingNode variables
            ? variables.Children.ToDictionary(v => v.Key.ToString(), v => v.Value)
            : [];

    [Fact]
    public void Every_function_names_only_the_secrets_it_uses_and_none_is_resolved_into_its_configuration()
    {
        Assert.Equal("ssm", At(Root, "Globals", "Function", "Environment", "Variables", "Tavolo__Secrets__Store").ToString());
        // A new SecretsVersion changes every function's configuration: each publishes a version whose instances read the secrets again.
        Assert.Equal(("!Ref", "SecretsVersion"), Tagged(At(Root, "Globals", "Function", "Environment", "Variables", "TAVOLO_SECRETS_VERSION")));
        var text = File.ReadAllText(Path.Combine(Startup.Repository.Root, "deploy", "template.yaml"));
        var functions = OfType("AWS::Serverless::Function");
        Assert.Equal(Expected.Keys.Order(), functions.Select(f => f.Name).Order());
        foreach (var (name, function) in functions)
        {
            var variables = Variables(function);
            var secrets = variables.Keys.Where(k => k.StartsWith("Tavolo__Secrets__Names__", StringComparison.Ordinal))
                .Select(k => k["Tavolo__Secrets__Names__".Length..]).Order().ToList();
            Assert.True(Expected[name].SequenceEqual(secrets), $"{name} is given {string.Join(", ", secrets)}, not {string.Join(", ", Expected[name])}");
            foreach (var value in variables.Values.Select(v => v.ToString()))
                Assert.DoesNotContain("{{resolve:", value, StringComparison.Ordinal); // resolved at deploy time = readable in the function's configuration
            Assert.DoesNotContain(variables.Keys, k => k is "Tavolo__Auth__SigningKeys" or "Tavolo__Secret" or "Tavolo__Smtp__Password" or "Tavolo__PromoCodes__Password" or "Tavolo__Bootstrap__AdminPassword");
            if (variables.TryGetValue("Tavolo__PromoCodes__ConnectionString", out var connection))
                Assert.DoesNotContain("Password", connection.ToString(), StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain("Tavolo__Auth__SigningKeys:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_function_may_read_exactly_the_parameters_it_names()
    {
        foreach (var (name, function) in OfType("AWS::Serverless::Function"))
        {
            var named = Variables(function).Where(v => v.Key.StartsWith("Tavolo__Secrets__Names__", StringComparison.Ordinal))
                .Select(v => Parameter(v.Value)).Where(p => p is not null).Order().ToList();
            var policyText = new YamlStream(new YamlDocument(Find(function, "Properties", "Policies") ?? new YamlSequenceNode())).ToStringOf();
            var readable = System.Text.RegularExpressions.Regex.Matches(policyText, @":parameter(/aws/reference/secretsmanager/[^\s""']+)")
                .Select(m => m.Groups[1].Value).Distinct().Order().ToList();
            Assert.True(named.SequenceEqual(readable), $"{name} names {string.Join(", ", named)} but may read {string.Join(", ", readable)}");
            Assert.Equal(named.Count > 0, policyText.Contains("secretsmanager:GetSecretValue", StringComparison.Ordinal));
        }
    }

    /// <summary>The parameter a <c>Tavolo__Secrets__Names__…</c> value names (its <c>#field</c> dropped), as written in the template.</summary>
    private static string? Parameter(YamlNode value)
    {
        var text = value is YamlSequenceNode conditional // !If [HasSmtpPassword, !Sub "...", !Ref AWS::NoValue]
            ? conditional.Children[1].ToString()
            : value.ToString();
        Assert.StartsWith(Prefix, text, StringComparison.Ordinal);
        return text.Split('#')[0];
    }

    [Fact]
    public void The_functions_in_the_VPC_reach_Parameter_Store_without_a_NAT_unless_told_the_subnets_do()
    {
        var endpoint = OfType("AWS::EC2::VPCEndpoint").Single(e => At(e.Resource, "Properties", "ServiceName").ToString().EndsWith(".ssm", StringComparison.Ordinal));
        Assert.Equal("Interface", At(endpoint.Resource, "Properties", "VpcEndpointType").ToString());
        Assert.Equal("true", At(endpoint.Resource, "Properties", "PrivateDnsEnabled").ToString()); // the SDK's usual host name resolves to it
        Assert.Equal("CreateSsmEndpoint", At(endpoint.Resource, "Condition").ToString());
        Assert.Equal("true", At(Root, "Parameters", "CreateSsmEndpoint", "Default").ToString());
    }
}

internal static class YamlText
{
    public static string ToStringOf(this YamlStream stream)
    {
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
