using System.Text.RegularExpressions;
using Tavolo.Tests.Startup;

namespace Tavolo.Tests.Platform;

/// <summary>
/// The repository stands alone: every relative link in its Markdown names a file or folder inside it, and no page
/// sends the reader to a contract that a clone does not have (<c>../shared/…</c>).
/// </summary>
public sealed partial class DocsLinkTests
{
    [Fact]
    public void Every_relative_link_in_the_docs_names_a_file_in_the_repository()
    {
        var broken = new List<string>();
        var pages = Directory.EnumerateFiles(Repository.Root, "*.md", SearchOption.AllDirectories)
            .Where(p => !p.Contains("node_modules", StringComparison.Ordinal) && !p.Contains("/bin/", StringComparison.Ordinal)
                && !p.Contains("/obj/", StringComparison.Ordinal) && !p.Contains("/TestResults/", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(pages, p => p.EndsWith("docs/api.md", StringComparison.Ordinal));
        foreach (var page in pages)
        {
            var text = File.ReadAllText(page);
            var name = Path.GetRelativePath(Repository.Root, page);
            if (text.Contains("../shared", StringComparison.Ordinal))
                broken.Add($"{name}: points at ../shared");
            foreach (Match link in Link().Matches(text))
            {
                var target = link.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                    continue;
                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, target));
                if (!full.StartsWith(Repository.Root, StringComparison.Ordinal))
                    broken.Add($"{name}: {target} is outside the repository");
                else if (!File.Exists(full) && !Directory.Exists(full))
                    broken.Add($"{name}: {target} does not exist");
            }
        }
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();
}
