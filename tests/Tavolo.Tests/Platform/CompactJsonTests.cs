using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tavolo.Platform;

namespace Tavolo.Tests.Platform;

/// <summary>The JSON log line: every field once, scope values at the top, nulls and templates left out.</summary>
public sealed class CompactJsonTests
{
    private static string Line(object state, Func<object, Exception?, string> format, Exception? exception = null, params object[] scopes)
    {
        var provider = new LoggerExternalScopeProvider();
        var disposables = scopes.Select(provider.Push).ToList();
        var buffer = new ArrayBufferWriter<byte>();
        Assert.True(CompactJson.Write(new LogEntry<object>(LogLevel.Information, "Tavolo.Platform.RequestLogging", default, state, exception, format),
            provider, buffer));
        disposables.ForEach(d => d.Dispose());
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void An_access_line_holds_each_value_once_and_the_scopes_at_the_top()
    {
        var state = new List<KeyValuePair<string, object?>>
        {
            new("Method", "GET"), new("Path", "/users/me"), new("Status", 200), new("ElapsedMs", 0.25), new("UserId", "u1"),
            new("{OriginalFormat}", "{Method} {Path} {Status} in {ElapsedMs:0.0} ms (user {UserId})"),
        };
        var scope = new List<KeyValuePair<string, object?>> { new("requestId", "r-1"), new("traceId", null), new("userId", "u1") };
        var line = Line(state, (_, _) => "GET /users/me 200 in 0.3 ms (user u1)", null, scope);

        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var json = JsonNode.Parse(line)!.AsObject();
        Assert.Equal("Information", (string?)json["LogLevel"]);
        Assert.Equal("Tavolo.Platform.RequestLogging", (string?)json["Category"]);
        Assert.Equal("GET /users/me 200 in 0.3 ms (user u1)", (string?)json["Message"]);
        Assert.Equal(200, (int)json["State"]!["Status"]!);
        Assert.Equal(0.25, (double)json["State"]!["ElapsedMs"]!);
        Assert.Equal("r-1", (string?)json["requestId"]);
        Assert.Equal("u1", (string?)json["userId"]);
        Assert.False(json.ContainsKey("traceId")); // null scope values are left out
        Assert.DoesNotContain("OriginalFormat", line, StringComparison.Ordinal);
        Assert.True(DateTime.TryParse((string?)json["Timestamp"], System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.True(line.Length < 330, $"{line.Length} bytes: {line}");
    }

    [Fact]
    public void Exceptions_and_text_scopes_are_kept_and_user_text_is_escaped()
    {
        var line = Line("plain", (_, _) => "boom \"quoted\"\nsecond line", new InvalidOperationException("bad"), "a text scope");
        var json = JsonNode.Parse(line)!.AsObject();
        Assert.Equal("boom \"quoted\"\nsecond line", (string?)json["Message"]);
        Assert.Contains("InvalidOperationException: bad", (string?)json["Exception"], StringComparison.Ordinal);
        Assert.Equal("a text scope", (string?)json["Scope"]);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // a newline in user text cannot forge a second line
    }

    [Fact]
    public void Broken_text_from_a_caller_still_makes_one_valid_line()
    {
        // A JSON body can carry a lone surrogate ("\ud800"); if it reaches a log line it must not throw into the request.
        var state = new List<KeyValuePair<string, object?>> { new("Name", "a\ud800b"), new("{OriginalFormat}", "{Name}") };
        var line = Line(state, (_, _) => "joined a\ud800b", null, new List<KeyValuePair<string, object?>> { new("requestId", "r\udfff") });
        var json = JsonNode.Parse(line)!.AsObject();
        Assert.StartsWith("joined a", (string?)json["Message"], StringComparison.Ordinal);
        Assert.NotNull(json["State"]!["Name"]);
        Assert.NotNull(json["requestId"]);
    }
}
