using Microsoft.Extensions.Time.Testing;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Tests.Contracts;

/// <summary>What every <see cref="INotificationQueue"/> adapter promises. Each test uses its own queue.</summary>
public abstract class NotificationQueueContract
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);

    /// <summary>A fresh, empty queue whose notion of time is <paramref name="clock"/>.</summary>
    protected abstract Task<INotificationQueue> NewQueueAsync(FakeTimeProvider clock);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_message_is_received_once_then_deleted()
    {
        var queue = await NewQueueAsync(_clock);
        await queue.EnqueueAsync("hello", default);
        var received = Assert.Single(await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default));
        Assert.Equal("hello", received.Body);
        Assert.Equal(1, received.ReceiveCount);
        await queue.DeleteAsync(received.ReceiptHandle, default);
        _clock.Advance(Visibility * 2);
        Assert.Empty(await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default));
    }

    [Fact]
    public async Task A_received_message_is_invisible_until_its_timeout_then_redelivered_with_a_higher_count()
    {
        var queue = await NewQueueAsync(_clock);
        await queue.EnqueueAsync("m", default);
        var first = Assert.Single(await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default));
        Assert.Empty(await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default));
        _clock.Advance(Visibility + TimeSpan.FromSeconds(1));
        var again = Assert.Single(await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default));
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(2, again.ReceiveCount);
    }

    [Fact]
    public async Task A_stale_receipt_cannot_delete_a_message_received_again()
    {
        var queue = await NewQueueAsync(_clock);
        await queue.EnqueueAsync("m", default);
        var first = Assert.Single(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
        _clock.Advance(Visibility + TimeSpan.FromSeconds(1));
        var second = Assert.Single(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
        await queue.DeleteAsync(first.ReceiptHandle, default); // the crashed consumer wakes up late
        _clock.Advance(Visibility + TimeSpan.FromSeconds(1));
        var third = Assert.Single(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
        Assert.Equal(second.MessageId, third.MessageId);
    }

    [Fact]
    public async Task Retry_later_hides_the_message_for_the_back_off()
    {
        var queue = await NewQueueAsync(_clock);
        await queue.EnqueueAsync("m", default);
        var received = Assert.Single(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
        await queue.RetryLaterAsync(received.ReceiptHandle, TimeSpan.FromSeconds(90), default);
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Empty(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default)); // past the visibility, inside the back-off
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Single(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
    }

    [Fact]
    public async Task After_max_receives_the_message_goes_to_the_dead_letters()
    {
        var queue = await NewQueueAsync(_clock);
        await queue.EnqueueAsync("poison", default);
        for (var i = 1; i <= INotificationQueue.MaxReceives; i++)
        {
            var received = Assert.Single(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
            Assert.Equal(i, received.ReceiveCount);
            _clock.Advance(Visibility + TimeSpan.FromSeconds(1));
        }
        Assert.Empty(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
        Assert.Equal(1, await queue.CountDeadLettersAsync(default));
    }

    [Fact]
    public async Task Dead_letter_moves_a_received_message_at_once()
    {
        var queue = await NewQueueAsync(_clock);
        await queue.EnqueueAsync("bad", default);
        var received = Assert.Single(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
        await queue.DeadLetterAsync(received, "malformed", default);
        _clock.Advance(Visibility * 2);
        Assert.Empty(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
        Assert.Equal(1, await queue.CountDeadLettersAsync(default));
    }

    [Fact]
    public async Task Concurrent_consumers_never_receive_the_same_message_within_its_visibility()
    {
        var queue = await NewQueueAsync(_clock);
        for (var i = 0; i < 50; i++)
            await queue.EnqueueAsync("m" + i, default);
        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default)));
        var ids = batches.SelectMany(b => b).Select(m => m.MessageId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var rest = await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default);
        Assert.Equal(50, ids.Count + rest.Count + (await DrainAsync(queue)).Count);
    }

    [Fact]
    public async Task A_waiting_receive_returns_as_soon_as_a_message_arrives()
    {
        var queue = await NewQueueAsync(_clock);
        var waiting = queue.ReceiveAsync(1, Visibility, TimeSpan.FromSeconds(10), default);
        await Task.Delay(100);
        var started = DateTime.UtcNow;
        await queue.EnqueueAsync("wake", default);
        var received = await waiting;
        Assert.Single(received);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2));
    }

    private static async Task<List<ReceivedMessage>> DrainAsync(INotificationQueue queue)
    {
        var all = new List<ReceivedMessage>();
        while ((await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default)) is { Count: > 0 } batch)
            all.AddRange(batch);
        return all;
    }
}
