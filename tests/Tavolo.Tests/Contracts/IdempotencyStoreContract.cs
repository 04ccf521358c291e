using Tavolo.Idempotency;

namespace Tavolo.Tests.Contracts;

/// <summary>What every <see cref="IIdempotencyStore"/> adapter must do. Subclasses supply the adapter.</summary>
public abstract class IdempotencyStoreContract
{
    protected abstract IIdempotencyStore Store { get; }

    private static readonly DateTime T0 = new(2026, 11, 23, 18, 4, 5, DateTimeKind.Utc);

    private static IdempotencyRecord Claim(string? key = null, string fingerprint = "f1", DateTime? now = null) =>
        new(key ?? "user|/orders|" + Guid.NewGuid(), fingerprint, Guid.NewGuid().ToString("N"), (now ?? T0).AddSeconds(60), (now ?? T0).AddHours(24));

    private static readonly StoredResponse Created = new(201, "application/json; charset=utf-8", "/orders/1", [1, 2, 3, 0, 255]);

    [Fact]
    public async Task The_first_claim_wins_and_a_second_sees_it_in_flight_then_finished()
    {
        var first = Claim();
        Assert.Null(await Store.TryClaimAsync(first, T0, default));
        var busy = await Store.TryClaimAsync(Claim(first.Key, "f2"), T0.AddSeconds(1), default);
        Assert.Equal(first, busy);

        Assert.False(await Store.CompleteAsync(first.Key, "not-the-lease", Created, default));
        Assert.True(await Store.CompleteAsync(first.Key, first.LeaseToken, Created, default));
        var done = await Store.TryClaimAsync(Claim(first.Key), T0.AddHours(1), default);
        Assert.Equal(Created.Body, done!.Response!.Body);
        Assert.Equal(Created with { Body = [] }, done.Response with { Body = [] });
        Assert.Equal("f1", done.Fingerprint);
    }

    [Fact]
    public async Task A_released_key_is_free_and_only_its_holder_releases_it()
    {
        var first = Claim();
        await Store.TryClaimAsync(first, T0, default);
        await Store.ReleaseAsync(first.Key, "someone-else", default);
        Assert.NotNull(await Store.TryClaimAsync(Claim(first.Key), T0, default));
        await Store.ReleaseAsync(first.Key, first.LeaseToken, default);
        Assert.Null(await Store.TryClaimAsync(Claim(first.Key), T0, default));
    }

    [Fact]
    public async Task A_finished_record_is_never_released()
    {
        var first = Claim();
        await Store.TryClaimAsync(first, T0, default);
        await Store.CompleteAsync(first.Key, first.LeaseToken, Created, default);
        await Store.ReleaseAsync(first.Key, first.LeaseToken, default);
        Assert.NotNull((await Store.TryClaimAsync(Claim(first.Key), T0, default))!.Response);
    }

    [Fact]
    public async Task A_lapsed_lease_or_an_expired_record_is_taken_over()
    {
        var crashed = Claim();
        await Store.TryClaimAsync(crashed, T0, default);
        var retry = Claim(crashed.Key, now: T0.AddSeconds(61));
        Assert.Null(await Store.TryClaimAsync(retry, T0.AddSeconds(61), default));
        Assert.False(await Store.CompleteAsync(crashed.Key, crashed.LeaseToken, Created, default)); // the old holder lost it
        Assert.True(await Store.CompleteAsync(retry.Key, retry.LeaseToken, Created, default));

        var later = T0.AddHours(25);
        Assert.Null(await Store.TryClaimAsync(Claim(crashed.Key, "f9", later), later, default));
    }

    [Fact]
    public async Task Of_concurrent_claims_exactly_one_wins()
    {
        var key = "user|/orders|" + Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Store.TryClaimAsync(Claim(key), T0, default)));
        Assert.Single(results, r => r is null);
    }

    [Fact]
    public async Task A_hold_is_stopped_by_a_claim_in_flight_until_released_or_lapsed_and_of_concurrent_holds_one_wins()
    {
        var key = "user|/orders|resource " + Guid.NewGuid();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Store.TryHoldAsync(Claim(key, "-"), T0, default)));
        Assert.Single(results, r => r is null);
        var holder = results.First(r => r is not null)!; // what every loser saw: the winner, in flight
        Assert.Null(holder.Response);
        Assert.True(holder.LeaseUntil > T0);

        var second = Claim(key, "-", T0.AddSeconds(61)); // lease until T0 + 121 s
        Assert.NotNull(await Store.TryHoldAsync(second, T0.AddSeconds(59), default)); // still in flight
        Assert.Null(await Store.TryHoldAsync(second, T0.AddSeconds(61), default)); // its lease lapsed: taken over
        Assert.NotNull(await Store.TryClaimAsync(Claim(key), T0.AddSeconds(62), default)); // a claim sees a hold too
        await Store.ReleaseAsync(key, second.LeaseToken, default);
        Assert.Null(await Store.TryHoldAsync(Claim(key, "-"), T0.AddSeconds(62), default)); // released: free
    }

    [Fact]
    public async Task A_hold_takes_over_a_finished_record_as_its_resource_answers_repeats()
    {
        var finished = Claim();
        Assert.Null(await Store.TryClaimAsync(finished, T0, default));
        Assert.True(await Store.CompleteAsync(finished.Key, finished.LeaseToken, Created, default));
        var hold = Claim(finished.Key, "-", T0.AddSeconds(1));
        Assert.Null(await Store.TryHoldAsync(hold, T0.AddSeconds(1), default));
        Assert.NotNull(await Store.TryHoldAsync(Claim(finished.Key, "-"), T0.AddSeconds(2), default)); // held now
        await Store.ReleaseAsync(hold.Key, hold.LeaseToken, default);
    }
}
