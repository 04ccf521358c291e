using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tavolo.Auth;
using Tavolo.Orders;
using Tavolo.Platform;
using Tavolo.PromoCodes;
using Tavolo.Restaurants;
using Tavolo.Users;
using Tavolo.Waitlists;

namespace Tavolo.Tests.Platform;

/// <summary>Responses are written by the source generator's own writers (<see cref="ResponseJson"/>).</summary>
public sealed class ResponseJsonTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Theory]
    [InlineData(typeof(OrderView))]
    [InlineData(typeof(Page<OrderView>))]
    [InlineData(typeof(UserView))]
    [InlineData(typeof(MenuView))]
    [InlineData(typeof(WaitlistView))]
    [InlineData(typeof(WaiteeView))]
    [InlineData(typeof(PromoCodeView))]
    [InlineData(typeof(TokensResponse))]
    public void Every_type_in_a_response_comes_from_a_Tavolo_context_whose_options_match(Type response)
    {
        // System.Text.Json takes the generated writer only when every node of the graph is compatible: one string
        // answered by OpenAPI's context (as before ResponseJson) sent the whole response down the metadata walk.
        var json = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        Assert.Null(json.Encoder);
        var seen = new HashSet<Type>();
        var pending = new Stack<JsonTypeInfo>([json.GetTypeInfo(response)]);
        while (pending.TryPop(out var info))
        {
            if (!seen.Add(info.Type))
                continue;
            var origin = info.OriginatingResolver;
            Assert.True(origin is JsonSerializerContext && origin.GetType().Assembly == typeof(ResponseJson).Assembly,
                $"{info.Type} in {response.Name} comes from {origin?.GetType().FullName}");
            foreach (var property in info.Properties)
                pending.Push(json.GetTypeInfo(property.PropertyType));
            if (info.ElementType is { } element)
                pending.Push(json.GetTypeInfo(element));
        }
        Assert.Contains(typeof(string), seen);
    }

    [Fact]
    public async Task Text_outside_ASCII_and_markup_characters_are_escaped_and_mean_the_same()
    {
        var user = await app.NewUserAsync();
        using var client = user.Client();
        const string name = "Zoë <b>&'+";
        var updated = await client.PutAsJsonAsync($"/users/{user.Id}", new { name });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var me = await client.GetAsync("/users/me");
        var raw = await me.Content.ReadAsStringAsync();
        Assert.Contains(@"""name"":""Zo\u00EB \u003Cb\u003E\u0026\u0027\u002B""", raw, StringComparison.Ordinal);
        Assert.Equal(name, (string)(await me.ReadJsonAsync(HttpStatusCode.OK))["name"]!);
    }
}
