using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// Rows that are read far more often than written (users by id, menu items, orders by id), kept in memory after a read — a read
/// of SQLite under a stream of writes starts cold every time (the write changed the WAL, so the connection drops its
/// page cache, takes its read lock with system calls and reads its pages again): 18 % of a <c>POST /orders</c>.
/// Exact for this process's writes: a store forgets a key once its write has committed (<see cref="Forget"/>), and a
/// read that overlapped any write keeps nothing (<see cref="Keep"/>, under the same lock as <see cref="Forget"/>). The file is served by one process (as the
/// idempotency claims already assume: <c>SqliteIdempotencyStore</c>); a row written by another process is seen once its
/// entry has lived <see cref="Lifetime"/>. Only rows that exist are kept, never an absence: the keys of a cache are then
/// ids of stored rows, not whatever a caller sends (random unknown ids cannot fill it, evict it, or grow it; an order's
/// id is its customer's choice, but each is a stored order). Bounded by <paramref name="capacity"/> in units of
/// <paramref name="size"/> (1 per row unless given): a row whose size varies (an order of 1 to 50 lines, each with a
/// note) counts what it holds, so the memory a caller can make the cache keep is bounded, not only the number of rows.
/// </summary>
public sealed class RowCache<TKey, T>(TimeProvider clock, int capacity = 4096, Func<T, int>? size = null)
    where TKey : notnull where T : class
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private readonly Lock _gate = new(); // taken by misses (Keep) and writes (Forget); a hit takes no lock
    private int _count;
    private long _writes;

    /// <summary>Taken before a read whose result may be kept: <see cref="Keep"/> drops the result if a write came between.</summary>
    public long Version => Interlocked.Read(ref _writes);

    public bool TryGet(TKey key, [NotNullWhen(true)] out T? value)
    {
        if (_entries.TryGetValue(key, out var entry) && clock.GetUtcNow() < entry.ExpiresAt)
        {
            value = entry.Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>Keeps the row a read that began at <paramref name="version"/> found, unless a write has committed since.</summary>
    public void Keep(TKey key, T value, long version)
    {
        // The check and the add are one step against Forget's: an entry is never visible, even for an instant, once a
        // write that began after its read has returned (checking after adding left such a window: a stale row seen
        // between the add and its removal).
        lock (_gate)
        {
            if (_writes != version)
                return;
            var units = size?.Invoke(value) ?? 1;
            _count += units;
            if (_count > capacity)
            {
                _entries.Clear(); // bounded: start over (a working set this large is read from the file, as before)
                _count = units;
            }
            _entries[key] = new Entry(value, clock.GetUtcNow() + Lifetime);
        }
    }

    /// <summary>Called after a write of <paramref name="key"/> has committed (or failed): the next read goes to the file.</summary>
    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _writes++;
            _entries.TryRemove(key, out _);
        }
    }

    /// <summary>Awaits a write of <paramref name="key"/>, then forgets the key, however the write ended.</summary>
    public async Task<TResult> ForgetAfter<TResult>(TKey key, Task<TResult> write)
    {
        try
        {
            return await write;
        }
        finally
        {
            Forget(key);
        }
    }

    private sealed record Entry(T Value, DateTimeOffset ExpiresAt);
}
