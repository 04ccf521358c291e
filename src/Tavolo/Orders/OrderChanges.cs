using System.Collections.Immutable;
using System.Threading.Channels;

namespace Tavolo.Orders;

/// <summary>
/// The in-process change feed behind <c>GET /orders/stream</c>, shaped like the waitlists' (WaitlistChanges): the
/// order handlers publish an order's id after the store took the write, to the two it concerns (its customer, under
/// <see cref="CustomerKey"/>, and its restaurant, under <see cref="RestaurantKey"/>); each open stream subscribes to
/// its caller's key and those of the restaurants whose orders it handles, and reads the store again for what to send,
/// so the store stays the truth. A subscriber's buffer is bounded and drops its oldest id when full, counting the
/// drop, and the stream then resynchronises from the store. This process sees only its own writes (docs/web.md).
/// </summary>
public sealed class OrderChanges
{
    /// <summary>Pending order ids one subscriber may hold before the oldest are dropped.</summary>
    public const int BufferCapacity = 64;

    private readonly object _gate = new();
    private ImmutableDictionary<string, ImmutableArray<OrderSubscription>> _subscribers =
        ImmutableDictionary<string, ImmutableArray<OrderSubscription>>.Empty;

    /// <summary>An order was created or changed: tell its customer's and its restaurant's streams.</summary>
    public void Publish(Order order)
    {
        Offer(CustomerKey(order.UserId), order.OrderId);
        Offer(RestaurantKey(order.RestaurantId), order.OrderId);
    }

    public static string CustomerKey(string userId) => "user:" + userId;

    public static string RestaurantKey(string restaurantId) => "restaurant:" + restaurantId;

    /// <summary>One subscription to the orders of every key given (a customer's, and the boards of restaurants).</summary>
    public OrderSubscription Subscribe(IReadOnlyList<string> keys, int capacity = BufferCapacity)
    {
        var subscription = new OrderSubscription(this, keys, capacity);
        lock (_gate)
        {
            foreach (var key in keys.Distinct(StringComparer.Ordinal))
                _subscribers = _subscribers.SetItem(key, _subscribers.GetValueOrDefault(key, []).Add(subscription));
        }
        return subscription;
    }

    /// <summary>Open subscriptions, over all users.</summary>
    public int Count => _subscribers.Values.Sum(s => s.Length);

    private void Offer(string key, string orderId)
    {
        if (_subscribers.TryGetValue(key, out var subscribers))
        {
            foreach (var subscriber in subscribers)
                subscriber.Offer(orderId);
        }
    }

    internal void Unsubscribe(OrderSubscription subscription)
    {
        lock (_gate)
        {
            foreach (var key in subscription.Keys.Distinct(StringComparer.Ordinal))
            {
                if (!_subscribers.TryGetValue(key, out var current))
                    continue;
                var remaining = current.Remove(subscription);
                _subscribers = remaining.IsEmpty ? _subscribers.Remove(key) : _subscribers.SetItem(key, remaining);
            }
        }
    }
}

/// <summary>One stream's view of the feed: a bounded buffer of order ids that drops the oldest when full, and counts the drops.</summary>
public sealed class OrderSubscription : IDisposable
{
    private readonly OrderChanges _feed;
    private readonly Channel<string> _buffer;
    private int _dropped;

    internal OrderSubscription(OrderChanges feed, IReadOnlyList<string> keys, int capacity)
    {
        _feed = feed;
        Keys = keys;
        _buffer = Channel.CreateBounded<string>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public IReadOnlyList<string> Keys { get; }

    public ChannelReader<string> Reader => _buffer.Reader;

    /// <summary>Order ids waiting to be read (never more than the capacity).</summary>
    public int Pending => _buffer.Reader.Count;

    /// <summary>Reads the drop count and resets it: more than 0 means the stream must resynchronise from the store.</summary>
    public int TakeDropped() => Interlocked.Exchange(ref _dropped, 0);

    /// <summary>Every distinct id buffered now, without waiting.</summary>
    public List<string> Drain()
    {
        var batch = new List<string>();
        while (_buffer.Reader.TryRead(out var id))
        {
            if (!batch.Contains(id, StringComparer.Ordinal))
                batch.Add(id);
        }
        return batch;
    }

    internal void Offer(string orderId) => _buffer.Writer.TryWrite(orderId);

    public void Dispose()
    {
        _feed.Unsubscribe(this);
        _buffer.Writer.TryComplete();
    }
}
