using System.Globalization;

namespace Tavolo.Auth;

/// <summary>
/// Keeps a signed-in live stream honest after it opened: once a second the stream's bearer token goes through the
/// same check as a new request (<see cref="Authenticator"/>: signature cache, expiry, session still live) and, where the
/// route says so, the caller's access to what it watches is asked again. When either fails — logout, session delete,
/// password change, user deleted, the token expired, access lost — the stream's token is cancelled and the response
/// ends: nothing more is sent (API.md: within 2 s). The token's own expiry ends it at that instant, no skew allowed.
/// </summary>
public sealed class StreamAccess(Authenticator authenticator, TimeProvider clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A token that ends with <paramref name="lifetime"/> or with the caller's access; dispose it when the stream ends.
    /// <paramref name="stillAllowed"/>: asked every <see cref="Interval"/>; false ends the stream.
    /// </summary>
    public Watch Begin(HttpContext context, CancellationToken lifetime, Func<CancellationToken, Task<bool>>? stillAllowed = null)
    {
        var watch = new Watch(CancellationTokenSource.CreateLinkedTokenSource(lifetime));
        var token = BearerTokens.TokenOf(context.Request.Headers.Authorization.ToString());
        var expires = long.TryParse(context.User.FindFirst("exp")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : DateTimeOffset.MinValue;
        _ = watch.RunAsync(() => StillValidAsync(token, expires, stillAllowed, watch.Token), clock);
        return watch;
    }

    private async Task<bool> StillValidAsync(string? token, DateTimeOffset expires, Func<CancellationToken, Task<bool>>? stillAllowed, CancellationToken cancellationToken) =>
        token is not null
        && clock.GetUtcNow() < expires
        && await authenticator.AuthenticateAsync(token, cancellationToken) is not null
        && (stillAllowed is null || await stillAllowed(cancellationToken));

    /// <summary>The stream's token; cancelled when access ends. Disposing it stops the checks.</summary>
    public sealed class Watch(CancellationTokenSource source) : IDisposable
    {
        private int _disposed;

        public CancellationToken Token { get; } = source.Token;

        internal async Task RunAsync(Func<Task<bool>> stillValid, TimeProvider clock)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(Interval, clock, Token);
                    if (!await stillValid())
                    {
                        Cancel();
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The stream ended first.
            }
            catch (Exception)
            {
                Cancel(); // a store that cannot answer cannot vouch for the caller either
            }
        }

        private void Cancel()
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                try { source.Cancel(); } catch (ObjectDisposedException) { }
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            source.Cancel(); // stops the checks
            source.Dispose();
        }
    }
}
