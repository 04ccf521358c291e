using Tavolo.Tests.Startup;
using YamlDotNet.RepresentationModel;

namespace Tavolo.Tests.Deploy;

/// <summary>deploy/template.yaml, parsed once, with the look-ups the template tests share.</summary>
public static class TemplateFile
{
    public static readonly YamlMappingNode Root = Load(Path.Combine("deploy", "template.yaml"));

    public static YamlMappingNode Load(string relativePath)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Repository.Root, relativePath));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    public static YamlMappingNode Resources => (YamlMappingNode)Root["Resources"];

    public static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key]);

    public static YamlNode? Find(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(key, out var next))
                return null;
            node = next;
        }
        return node;
    }

    /// <summary>Every resource of <paramref name="type"/>: its name and its whole definition (Type, Properties, policies).</summary>
    public static List<(string Name, YamlMappingNode Resource)> OfType(string type) =>
        Resources.Children.Where(r => At(r.Value, "Type").ToString() == type)
            .Select(r => (r.Key.ToString(), (YamlMappingNode)r.Value)).ToList();

    public static List<string> FunctionNames() => OfType("AWS::Serverless::Function").Select(f => f.Name).ToList();

    /// <summary>The text of a node and its tag (<c>!Ref</c>, <c>!Sub</c>...), or no tag.</summary>
    public static (string Tag, string Value) Tagged(YamlNode node) => (node.Tag.IsEmpty ? "" : node.Tag.Value, node.ToString());
}
