using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Tavolo.Tests.Orders;

/// <summary>An open <c>GET /orders/stream</c>, read event by event (every wait bounded, so a missing event fails the test).</summary>
public sealed class OrderStream : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private Task<string?>? _pending;

    private OrderStream(HttpClient client, HttpResponseMessage response, Stream body)
    {
        _client = client;
        _response = response;
        _reader = new StreamReader(body);
    }

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    /// <summary>Opens the stream (the headers have arrived, so the server has subscribed); owns the client.</summary>
    public static async Task<OrderStream> OpenAsync(HttpClient client)
    {
        var response = await client.GetAsync("/orders/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new OrderStream(client, response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>Opens the stream once a slot is free again (a closed stream gives its slot back when the server notices).</summary>
    public static async Task<OrderStream> WaitForSlotAsync(HttpClient client)
    {
        var until = DateTime.UtcNow + Patience;
        while (true)
        {
            var response = await client.GetAsync("/orders/stream", HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode == HttpStatusCode.OK)
                return new OrderStream(client, response, await response.Content.ReadAsStreamAsync());
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            response.Dispose();
            Assert.True(DateTime.UtcNow < until, "The slot never came back.");
            await Task.Delay(50);
        }
    }

    /// <summary>The next line (null at the end of the body); <paramref name="whileWaiting"/> runs every 100 ms meanwhile.</summary>
    public async Task<string?> NextLineAsync(Action? whileWaiting = null)
    {
        _pending ??= _reader.ReadLineAsync();
        var until = DateTime.UtcNow + Patience;
        while (!_pending.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < until, "No line arrived on the stream.");
            whileWaiting?.Invoke();
            await Task.WhenAny(_pending, Task.Delay(100));
        }
        var line = await _pending;
        _pending = null;
        return line;
    }

    /// <summary>The next event (keep-alive comments skipped).</summary>
    public async Task<(string Name, JsonObject Data)> NextAsync()
    {
        string? name = null, data = null;
        while (true)
        {
            var line = await NextLineAsync();
            Assert.NotNull(line);
            if (line.Length == 0)
            {
                if (data is not null)
                    return (name ?? "message", JsonNode.Parse(data)!.AsObject());
                continue;
            }
            if (line.StartsWith(':'))
                continue;
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                data = line["data: ".Length..];
        }
    }

    public async ValueTask DisposeAsync()
    {
        _response.Dispose();
        _reader.Dispose();
        _client.Dispose();
        if (_pending is not null)
            await Task.WhenAny(_pending, Task.Delay(1000)); // the read ends with the response
    }
}

public static class Menus
{
    /// <summary>Adds a dish to the restaurant's menu; its id.</summary>
    public static async Task<string> AddDishAsync(this TestUser restaurant, string name, decimal price, string? category = null)
    {
        using var client = restaurant.Client();
        var response = await client.PostAsJsonAsync($"/restaurants/{restaurant.Id}/menu/items", new { name, price, category });
        return (string)(await response.ReadJsonAsync(HttpStatusCode.Created))["id"]!;
    }

    public static async Task<JsonObject> PlaceFromMenuAsync(this HttpClient client, string restaurantId, string menuItemId, int quantity, string? promoCode = null) =>
        await (await client.PostAsJsonAsync("/orders", new
        {
            orderId = Guid.NewGuid().ToString(), restaurantId, items = new[] { new { menuItemId, quantity } }, promoCode,
        })).ReadJsonAsync(HttpStatusCode.Created);
}
