using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Tavolo.Platform;
using Tavolo.Tests.Startup;

namespace Tavolo.Tests.Platform;

/// <summary>
/// The README's settings table says what each <c>Tavolo__…</c> setting defaults to; a default changed in the code (as
/// <c>Tavolo__Sqlite__CheckpointPages</c>' was, 1,000 → 4,000) must change there too. Every row whose settings are all
/// properties of <see cref="TavoloOptions"/> and whose default cell gives one value per setting is compared.
/// </summary>
public sealed partial class ReadmeSettingsTests
{
    [Fact]
    public void The_README_gives_the_defaults_the_options_have()
    {
        var checkedSettings = new List<string>();
        foreach (var (names, defaults) in Rows())
        {
            var paths = Expand(names);
            if (paths is null || paths.Count != defaults.Count)
                continue;
            var values = paths.Select(Resolve).ToList();
            if (values.Any(v => !v.Found))
                continue;
            for (var i = 0; i < paths.Count; i++)
            {
                Assert.True(defaults[i] == values[i].Text,
                    $"README says Tavolo__{string.Join("__", paths[i])} defaults to `{defaults[i]}`, the code to `{values[i].Text}`.");
                checkedSettings.Add(string.Join("__", paths[i]));
            }
        }
        // The parse must keep finding the table: these rows are plain settings with one default each.
        Assert.Contains("Sqlite__CheckpointPages", checkedSettings);
        Assert.Contains("Auth__PasswordIterations", checkedSettings);
        Assert.True(checkedSettings.Count >= 10, $"only {checkedSettings.Count} settings compared: {string.Join(", ", checkedSettings)}");
    }

    /// <summary>The table's rows: the backticked names of the first cell and the backticked values of the third.</summary>
    private static IEnumerable<(List<string> Names, List<string> Defaults)> Rows()
    {
        foreach (var line in File.ReadLines(Path.Combine(Repository.Root, "README.md")))
        {
            if (!line.StartsWith("| `Tavolo__", StringComparison.Ordinal))
                continue;
            var cells = line.Split(" | ");
            if (cells.Length < 3)
                continue;
            yield return (Ticked(cells[0]), Ticked(cells[^1].TrimEnd('|', ' ')));
        }
    }

    private static List<string> Ticked(string cell) => [.. TickedText().Matches(cell).Select(m => m.Groups[1].Value)];

    /// <summary>
    /// <c>Tavolo__Auth__AccessTokenMinutes</c>, <c>Tavolo__Auth__RefreshTokenDays</c> or the short form
    /// <c>Tavolo__Smtp__Host</c>, <c>Port</c> (the previous setting's section); null for forms it does not read (<c>…Max</c>).
    /// </summary>
    private static List<string[]>? Expand(List<string> names)
    {
        var paths = new List<string[]>();
        foreach (var name in names)
        {
            if (name.StartsWith("Tavolo__", StringComparison.Ordinal))
                paths.Add(name["Tavolo__".Length..].Split("__"));
            else if (paths.Count > 0 && name.All(char.IsAsciiLetterOrDigit))
                paths.Add([.. paths[^1][..^1], name]);
            else
                return null;
        }
        return paths;
    }

    private static (bool Found, string? Text) Resolve(string[] path)
    {
        object? value = new TavoloOptions();
        foreach (var segment in path)
        {
            var property = value?.GetType().GetProperty(segment, BindingFlags.Public | BindingFlags.Instance);
            if (property is null)
                return (false, null);
            value = property.GetValue(value);
        }
        return value switch
        {
            bool b => (true, b ? "true" : "false"),
            int or long => (true, Convert.ToString(value, CultureInfo.InvariantCulture)),
            string s => (true, s),
            _ => (false, null), // null ("unset", "none") or a section: not a value the table writes in backticks
        };
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex TickedText();
}
