using System.Collections.Concurrent;
using System.Globalization;

namespace Tavolo.Auth;

/// <summary>
/// Keeps signed-in live streams honest after they opened: once a second each open stream's token is checked again
/// where it can have changed since — its expiry (no clock skew) and its session still live, as every request checks it
/// (<see cref="Authenticator.IsLiveAsync"/>) — and, where the route says so, the caller's access to what it watches.
/// When one fails — logout, session delete, password change, user deleted, the token expired, access lost — that
/// stream's token is cancelled and its response ends: nothing more is sent (API.md: within 2 s).
/// One sweep a second over every open stream, not a timer per stream: 500 timers woke 500 threads a second
/// (docs/performance.md, "Streams that end on revocation").
/// </summary>
public sealed class StreamAccess(Authenticator authenticator, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<Watch, byte> _open = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _sweeping;

    public int Open => _open.Count;

    /// <summary>
    /// A token that ends with <paramref name="lifetime"/> or with the caller's access; dispose it when the stream ends.
    /// <paramref name="stillAllowed"/>: asked at every sweep (keep it cheap); false ends the stream.
    /// </summary>
    public Watch Begin(HttpContext context, CancellationToken lifetime, Func<CancellationToken, Task<bool>>? stillAllowed = null)
    {
        var user = context.User;
        var expires = long.TryParse(user.FindFirst("exp")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : DateTimeOffset.MinValue;
        var watch = new Watch(this, CancellationTokenSource.CreateLinkedTokenSource(lifetime),
            user.FindFirst("sid")?.Value, user.FindFirst("sub")?.Value, expires, stillAllowed);
        _open[watch] = 0;
        if (Interlocked.Exchange(ref _sweeping, 1) == 0)
            _ = SweepAsync();
        return watch;
    }

    private async Task SweepAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(Interval, clock, _stopping.Token);
                foreach (var watch in _open.Keys)
                {
                    if (!await StillValidAsync(watch))
                        watch.End();
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The application is stopping.
        }
    }

    private async Task<bool> StillValidAsync(Watch watch)
    {
        try
        {
            return watch.SessionId is not null && watch.UserId is not null
                && clock.GetUtcNow() < watch.Expires
                && await authenticator.IsLiveAsync(watch.SessionId, watch.UserId, watch.Token)
                && (watch.StillAllowed is null || await watch.StillAllowed(watch.Token));
        }
        catch (OperationCanceledException) when (watch.Token.IsCancellationRequested)
        {
            return true; // the stream ended meanwhile
        }
        catch (Exception)
        {
            return false; // a store that cannot answer cannot vouch for the caller either; the page reconnects
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>One open stream: its token, cancelled when access ends. Disposing it takes it off the sweep.</summary>
    public sealed class Watch : IDisposable
    {
        private readonly StreamAccess _owner;
        private readonly CancellationTokenSource _source;
        private int _disposed;

        internal Watch(StreamAccess owner, CancellationTokenSource source, string? sessionId, string? userId, DateTimeOffset expires,
            Func<CancellationToken, Task<bool>>? stillAllowed)
        {
            _owner = owner;
            _source = source;
            Token = source.Token;
            SessionId = sessionId;
            UserId = userId;
            Expires = expires;
            StillAllowed = stillAllowed;
        }

        public CancellationToken Token { get; }

        internal string? SessionId { get; }

        internal string? UserId { get; }

        internal DateTimeOffset Expires { get; }

        internal Func<CancellationToken, Task<bool>>? StillAllowed { get; }

        internal void End()
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                try { _source.Cancel(); } catch (ObjectDisposedException) { }
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            _owner._open.TryRemove(this, out _);
            _source.Dispose();
        }
    }
}
