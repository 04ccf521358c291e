using YamlDotNet.RepresentationModel;
using static Tavolo.Tests.Deploy.TemplateFile;

namespace Tavolo.Tests.Deploy;

/// <summary>
/// `sam build` runs deploy/Makefile's <c>build-&lt;Function&gt;</c> for every function of the template: each must exist
/// (here by make's dry run; StartupTests runs one for real and starts what it built). And one architecture throughout:
/// arm64 in the template, its Web Adapter layer, the Makefile's default and the deploy workflow's build.
/// </summary>
public sealed class BuildTests
{
    [FactWithTools("make")]
    public async Task Every_function_in_the_template_has_a_build_target()
    {
        var functions = FunctionNames();
        Assert.Equal(9, functions.Count); // docs/deploy.md names nine
        foreach (var function in functions)
        {
            Assert.Equal("makefile", At(OfType("AWS::Serverless::Function").Single(f => f.Name == function).Resource, "Metadata", "BuildMethod").ToString());
            var (exitCode, output) = await CommandLine.RunAsync(TimeSpan.FromSeconds(30), "make", "-n", "-C", "deploy", $"build-{function}", "ARTIFACTS_DIR=/nowhere");
            Assert.True(exitCode == 0, $"deploy/Makefile has no build-{function}: {output}");
            Assert.Contains("dotnet publish ../src/Tavolo", output, StringComparison.Ordinal);
            Assert.Contains("-r linux-arm64", output, StringComparison.Ordinal);
            Assert.Contains("cp bootstrap /nowhere/bootstrap", output, StringComparison.Ordinal);
            Assert.Contains("cp -RL /usr/share/zoneinfo /nowhere/zoneinfo", output, StringComparison.Ordinal); // restaurants' time zones
        }
        Assert.Contains("export TZDIR=\"$LAMBDA_TASK_ROOT/zoneinfo\"", File.ReadAllText(Path.Combine(Startup.Repository.Root, "deploy", "bootstrap")), StringComparison.Ordinal);
        var (unknown, _) = await CommandLine.RunAsync(TimeSpan.FromSeconds(30), "make", "-n", "-C", "deploy", "build-NoSuchFunction", "ARTIFACTS_DIR=/nowhere");
        Assert.NotEqual(0, unknown); // the dry run does tell a missing target
    }

    [Fact]
    public void Every_function_runs_on_arm64_with_the_arm64_web_adapter()
    {
        var globals = (YamlMappingNode)At(Root, "Globals", "Function");
        Assert.Equal("arm64", ((YamlSequenceNode)globals["Architectures"]).Children.Single().ToString());
        var layer = Tagged(((YamlSequenceNode)globals["Layers"]).Children.Single());
        Assert.Matches(@":layer:LambdaAdapterLayerArm64:\d+$", layer.Value);
        foreach (var (name, function) in OfType("AWS::Serverless::Function"))
        {
            Assert.Null(Find(function, "Properties", "Architectures")); // none overrides the Globals'
            Assert.Null(Find(function, "Properties", "Layers"));
        }
    }

    [Fact]
    public void The_deploy_workflow_builds_linux_arm64_on_an_arm64_runner_and_checks_the_binary()
    {
        var workflow = Load(Path.Combine(".github", "workflows", "deploy.yml"));
        var build = (YamlMappingNode)At(workflow, "jobs", "build");
        Assert.EndsWith("-arm", At(build, "runs-on").ToString(), StringComparison.Ordinal); // GitHub's arm64 runners: ubuntu-24.04-arm
        Assert.EndsWith("-arm64", At(build, "container").ToString(), StringComparison.Ordinal); // the SAM build image for arm64
        var run = string.Join("\n", ((YamlSequenceNode)build["steps"]).Children.Select(s => Find(s, "run")?.ToString() ?? ""));
        Assert.Contains("-r linux-arm64", run, StringComparison.Ordinal);
        Assert.Contains("ARM aarch64", run, StringComparison.Ordinal); // refuses a binary for another machine
        Assert.DoesNotContain("linux-x64", run, StringComparison.Ordinal);
        // The role that deploys may read the arm64 layer the template names.
        Assert.Contains("layer:LambdaAdapterLayerArm64:", File.ReadAllText(Path.Combine(Startup.Repository.Root, "deploy", "github-oidc-role.yaml")), StringComparison.Ordinal);
    }
}
