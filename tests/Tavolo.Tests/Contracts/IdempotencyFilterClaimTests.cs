using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tavolo.Idempotency;
using Tavolo.Storage.Sqlite;

namespace Tavolo.Tests.Contracts;

/// <summary>The filter lets go of a claim however its request ends: a claim held in memory must not outlive it.</summary>
public sealed class IdempotencyFilterClaimTests(SqliteFixture sqlite) : IClassFixture<SqliteFixture>
{
    public sealed record Body(string Id);

    private static readonly System.Text.Json.JsonSerializerOptions Json = new() { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };

    [Theory]
    [InlineData(true)]  // the handler throws
    [InlineData(false)] // the handler's result throws while it is written
    public async Task A_request_that_throws_frees_its_key_at_once(bool inHandler)
    {
        var store = new SqliteIdempotencyStore(sqlite.Database, TimeProvider.System);
        var filter = new IdempotencyFilter<Body>(store, new IdempotencyOptions(), TimeProvider.System, Json, b => b.Id);
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Request.Method = "POST";
        http.Request.Path = "/things";
        var body = new Body(Guid.NewGuid().ToString());
        var context = EndpointFilterInvocationContext.Create(http, body);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await filter.InvokeAsync(context, _ =>
            inHandler ? throw new InvalidOperationException("boom") : ValueTask.FromResult<object?>(new Throwing())));

        var now = DateTime.UtcNow;
        Assert.Null(await store.TryClaimAsync(new IdempotencyRecord($"-|/things|{body.Id}", "f", "next", now.AddSeconds(60), now.AddHours(1)), now, default));
    }

    [Fact]
    public async Task A_handler_that_answers_with_a_plain_value_frees_its_key()
    {
        var store = new SqliteIdempotencyStore(sqlite.Database, TimeProvider.System);
        var filter = new IdempotencyFilter<Body>(store, new IdempotencyOptions(), TimeProvider.System, Json, b => b.Id);
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Path = "/things";
        var body = new Body(Guid.NewGuid().ToString());

        Assert.Equal("plain", await filter.InvokeAsync(EndpointFilterInvocationContext.Create(http, body), _ => ValueTask.FromResult<object?>("plain")));

        var now = DateTime.UtcNow;
        Assert.Null(await store.TryClaimAsync(new IdempotencyRecord($"-|/things|{body.Id}", "f", "next", now.AddSeconds(60), now.AddHours(1)), now, default));
    }

    private sealed class Throwing : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => throw new InvalidOperationException("boom");
    }
}
