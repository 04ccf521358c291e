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
    [InlineData(true, true)]   // the handler throws; keyed by the Idempotency-Key header (a claim with a stored answer)
    [InlineData(false, true)]  // the handler's result throws while the filter writes it (to keep it)
    [InlineData(true, false)]  // the handler throws; keyed by the resource's id in the body (a hold)
    public async Task A_request_that_throws_frees_its_key_at_once(bool inHandler, bool viaHeader)
    {
        var (store, filter, http, body) = Arrange();
        if (viaHeader)
            http.Request.Headers[IdempotencyScope.KeyHeader] = body.Id;
        var context = EndpointFilterInvocationContext.Create(http, body);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await filter.InvokeAsync(context, _ =>
            inHandler ? throw new InvalidOperationException("boom") : ValueTask.FromResult<object?>(new Throwing())));

        Assert.Null(await store.TryClaimAsync(Next(viaHeader ? $"-|/things|{body.Id}" : $"-|/things|resource {body.Id}"), DateTime.UtcNow, default));
    }

    [Fact]
    public async Task A_hold_ends_when_its_handler_returns_and_a_result_that_fails_later_is_the_frameworks()
    {
        var (store, filter, http, body) = Arrange();
        var result = new Throwing();
        var key = $"-|/things|resource {body.Id}";
        Assert.Same(result, await filter.InvokeAsync(EndpointFilterInvocationContext.Create(http, body), async _ =>
        {
            Assert.NotNull(await store.TryHoldAsync(Next(key), DateTime.UtcNow, default)); // held while the handler runs
            return result;
        }));
        Assert.Null(await store.TryHoldAsync(Next(key), DateTime.UtcNow, default));
    }

    [Fact]
    public async Task A_handler_that_answers_with_a_plain_value_frees_its_key()
    {
        var (store, filter, http, body) = Arrange();
        http.Request.Headers[IdempotencyScope.KeyHeader] = body.Id;

        Assert.Equal("plain", await filter.InvokeAsync(EndpointFilterInvocationContext.Create(http, body), _ => ValueTask.FromResult<object?>("plain")));

        Assert.Null(await store.TryClaimAsync(Next($"-|/things|{body.Id}"), DateTime.UtcNow, default));
    }

    private (SqliteIdempotencyStore, IdempotencyFilter<Body>, DefaultHttpContext, Body) Arrange()
    {
        var store = new SqliteIdempotencyStore(sqlite.Database, TimeProvider.System);
        var filter = new IdempotencyFilter<Body>(store, new IdempotencyOptions(), TimeProvider.System, Json, b => b.Id);
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Request.Method = "POST";
        http.Request.Path = "/things";
        return (store, filter, http, new Body(Guid.NewGuid().ToString()));
    }

    private static IdempotencyRecord Next(string key) => new(key, "f", "next", DateTime.UtcNow.AddSeconds(60), DateTime.UtcNow.AddHours(1));

    private sealed class Throwing : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => throw new InvalidOperationException("boom");
    }
}
