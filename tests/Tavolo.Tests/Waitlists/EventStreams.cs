using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Tavolo.Tests.Waitlists;

/// <summary>One event or comment read off a <c>text/event-stream</c>.</summary>
public sealed record StreamEvent(string? Name, JsonObject? Data, string? Comment);

/// <summary>Reads a Server-Sent Events response line by line, as a browser's fetch reader would.</summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Opens the stream; the response must be 200 text/event-stream.</summary>
    public static async Task<EventStream> OpenAsync(HttpClient client, string path)
    {
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
            Assert.Fail($"GET {path} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>
    /// The stream ends within the contract's 2 s of (fake) time once access is gone: one second, and — if the server's
    /// one-second sweep was still finishing its previous pass (a store round trip on a loaded machine) when the clock
    /// moved, so that its next wait began after the move — a second one. Never more than 2 s of the clock; events sent
    /// before the check ran are fine. Each read may take <paramref name="bound"/> of real time.
    /// </summary>
    public async Task AssertEndsAsync(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, TimeSpan bound)
    {
        var ended = DrainAsync(bound);
        for (var second = 0; second < 2 && !ended.IsCompleted; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(ended, Task.Delay(TimeSpan.FromSeconds(2)));
        }
        await ended;
    }

    private async Task DrainAsync(TimeSpan bound)
    {
        while (await NextAsync(bound) is { } more)
            Assert.True(more.Comment is not null || more.Name is "waitee" or "waitlist" or "notification" or "order", $"unexpected {more.Name}");
    }

    /// <summary>The next event or comment; null when the server ended the stream. Fails after <paramref name="timeout"/>.</summary>
    public async Task<StreamEvent?> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        string? name = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancel.Token);
            if (line is null)
                return null;
            if (line.Length == 0)
            {
                if (data.Length > 0 || name is not null)
                    return new StreamEvent(name, JsonNode.Parse(data.ToString())!.AsObject(), null);
                continue;
            }
            if (line.StartsWith(':'))
            {
                await _reader.ReadLineAsync(cancel.Token); // the blank line after the comment
                return new StreamEvent(null, null, line[1..].Trim());
            }
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                data.Append(line["data: ".Length..]);
        }
    }

    /// <summary>Events until one matches; fails if the stream ends first.</summary>
    public async Task<StreamEvent> UntilAsync(Func<StreamEvent, bool> match, TimeSpan? timeout = null)
    {
        while (true)
        {
            var next = await NextAsync(timeout) ?? throw new Xunit.Sdk.XunitException("The stream ended before the expected event.");
            if (match(next))
                return next;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}

public static class WaitlistSteps
{
    public static async Task<string> NewWaitlistAsync(HttpClient staff, string name = "Da Mario") =>
        (string)(await (await staff.PostAsJsonAsync("/waitlists", new { name })).ReadJsonAsync(HttpStatusCode.Created))["id"]!;

    public static async Task<JsonObject> AddAsync(HttpClient staff, string waitlistId, string name) =>
        await (await staff.PostAsJsonAsync($"/waitlists/{waitlistId}/waitees", new { name, partySize = 2, phone = "+14155550123" }))
            .ReadJsonAsync(HttpStatusCode.Created);

    public static async Task SeatAsync(HttpClient staff, string waitlistId, JsonObject waitee) =>
        await (await staff.PostAsync($"/waitlists/{waitlistId}/waitees/{waitee["id"]}/seat", null)).ReadJsonAsync(HttpStatusCode.OK);
}
