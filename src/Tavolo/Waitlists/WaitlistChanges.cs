using System.Collections.Immutable;
using System.Threading.Channels;

namespace Tavolo.Waitlists;

/// <summary>What changed: the waitlist itself, one of its waitees, or one of its notifications (with that one's id).</summary>
public sealed record WaitlistChange(string WaitlistId, string Kind, string? Id = null)
{
    public const string WaitlistKind = "waitlist";
    public const string WaiteeKind = "waitee";
    public const string NotificationKind = "notification";
}

/// <summary>
/// The in-process change feed behind the live streams. Every write to a waitlist, a waitee or a notification
/// publishes here after it has been stored (the handlers and the notification producer/consumer do, not the storage
/// adapters), and each open stream subscribes to one waitlist. A change says only *what* changed; a stream reads the
/// store again for the new state, so the store stays the truth and a dropped change costs nothing but a coalesced
/// re-read. This process sees only its own writes: on AWS, where every write may land in another instance, the pages
/// poll with ETag/304 instead (docs/deploy.md).
/// </summary>
public sealed class WaitlistChanges
{
    /// <summary>Pending changes one subscriber may hold before the oldest are dropped (it re-reads the store anyway).</summary>
    public const int BufferCapacity = 64;

    private readonly object _gate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _versions = new(StringComparer.Ordinal);
    private ImmutableDictionary<string, ImmutableArray<WaitlistSubscription>> _subscribers =
        ImmutableDictionary<string, ImmutableArray<WaitlistSubscription>>.Empty;

    public void Publish(WaitlistChange change)
    {
        _versions.AddOrUpdate(change.WaitlistId, 1, (_, v) => v + 1);
        if (_subscribers.TryGetValue(change.WaitlistId, out var subscribers))
        {
            foreach (var subscriber in subscribers)
                subscriber.Offer(change);
        }
    }

    public void Publish(string waitlistId, string kind, string? id = null) => Publish(new WaitlistChange(waitlistId, kind, id));

    public WaitlistSubscription Subscribe(string waitlistId, int capacity = BufferCapacity)
    {
        var subscription = new WaitlistSubscription(this, waitlistId, capacity);
        lock (_gate)
            _subscribers = _subscribers.SetItem(waitlistId, _subscribers.GetValueOrDefault(waitlistId, []).Add(subscription));
        return subscription;
    }

    /// <summary>
    /// How many changes of a followed waitlist were published so far: readers that saw the same version may share
    /// one read of the store (<see cref="GuestLines"/>). One number per waitlist changed since the process started.
    /// </summary>
    public long Version(string waitlistId) => _versions.GetValueOrDefault(waitlistId);

    public bool IsFollowed(string waitlistId) => _subscribers.ContainsKey(waitlistId);

    /// <summary>Open subscriptions, over all waitlists.</summary>
    public int Count => _subscribers.Values.Sum(s => s.Length);

    internal void Unsubscribe(WaitlistSubscription subscription)
    {
        lock (_gate)
        {
            if (!_subscribers.TryGetValue(subscription.WaitlistId, out var current))
                return;
            var remaining = current.Remove(subscription);
            _subscribers = remaining.IsEmpty ? _subscribers.Remove(subscription.WaitlistId) : _subscribers.SetItem(subscription.WaitlistId, remaining);
        }
    }
}

/// <summary>One stream's view of the feed: a bounded buffer that drops its oldest change when full, and counts the drops.</summary>
public sealed class WaitlistSubscription : IDisposable
{
    private readonly WaitlistChanges _feed;
    private readonly Channel<WaitlistChange> _buffer;
    private int _dropped;

    internal WaitlistSubscription(WaitlistChanges feed, string waitlistId, int capacity)
    {
        _feed = feed;
        WaitlistId = waitlistId;
        _buffer = Channel.CreateBounded<WaitlistChange>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public string WaitlistId { get; }

    public ChannelReader<WaitlistChange> Reader => _buffer.Reader;

    /// <summary>Changes waiting to be read (never more than the capacity).</summary>
    public int Pending => _buffer.Reader.Count;

    /// <summary>Reads the drop count and resets it: more than 0 means the reader must resynchronise everything.</summary>
    public int TakeDropped() => Interlocked.Exchange(ref _dropped, 0);

    /// <summary>Everything buffered now, without waiting.</summary>
    public List<WaitlistChange> Drain()
    {
        var batch = new List<WaitlistChange>();
        while (_buffer.Reader.TryRead(out var change))
            batch.Add(change);
        return batch;
    }

    internal void Offer(WaitlistChange change) => _buffer.Writer.TryWrite(change);

    public void Dispose()
    {
        _feed.Unsubscribe(this);
        _buffer.Writer.TryComplete();
    }
}
