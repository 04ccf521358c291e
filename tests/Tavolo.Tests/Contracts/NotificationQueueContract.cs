using Microsoft.Extensions.Time.Testing;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Tests.Contracts;

/// <summary>What every <see cref="INotificationQueue"/> adapter promises. Each test uses its own queue.</summary>
public abstract class NotificationQueueContract
{
    /// <summary>The visibility timeout the tests use: long on a fake clock, short where time is real (SQS).</summary>
    protected virtual TimeSpan Visibility => TimeSpan.FromSeconds(30);

    /// <summary>A fresh, empty queue whose notion of time is <paramref name="clock"/> (or real time, for a server).</summary>
    protected abstract Task<INotificationQueue> NewQueueAsync(FakeTimeProvider clock);

    /// <summary>Lets time pass for the queue: the fake clock moves, or (for a real server) the test waits.</summary>
    protected virtual Task PassAsync(TimeSpan span)
    {
        _clock.Advance(span);
        return Task.CompletedTask;
    }

    private TimeSpan Past => Visibility * 1.5; // a visibility timeout and some margin

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
        await PassAsync(Past);
        Assert.Empty(await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default));
    }

    [Fact]
    public async Task A_received_message_is_invisible_until_its_timeout_then_redelivered_with_a_higher_count()
    {
        var queue = await NewQueueAsync(_clock);
        await queue.EnqueueAsync("m", default);
        var first = Assert.Single(await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default));
        Assert.Empty(await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default));
        await PassAsync(Past);
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
        await PassAsync(Past);
        var second = Assert.Single(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
        await queue.DeleteAsync(first.ReceiptHandle, default); // the crashed consumer wakes up late
        await PassAsync(Past);
        var third = Assert.Single(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
        Assert.Equal(second.MessageId, third.MessageId);
    }

    [Fact]
    public async Task Retry_later_hides_the_message_for_the_back_off()
    {
        var queue = await NewQueueAsync(_clock);
        await queue.EnqueueAsync("m", default);
        var received = Assert.Single(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default));
        await queue.RetryLaterAsync(received.ReceiptHandle, Visibility * 3, default);
        await PassAsync(Visibility * 2);
        Assert.Empty(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, default)); // past the visibility, inside the back-off
        await PassAsync(Visibility * 1.5);
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
            await PassAsync(Past);
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
        await PassAsync(Past);
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
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5)); // long before the 10 s wait ends, with room for a loaded machine
    }

    private async Task<List<ReceivedMessage>> DrainAsync(INotificationQueue queue)
    {
        var all = new List<ReceivedMessage>();
        while ((await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, default)) is { Count: > 0 } batch)
            all.AddRange(batch);
        return all;
    }
}
