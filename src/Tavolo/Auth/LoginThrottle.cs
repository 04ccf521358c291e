using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Auth;

/// <summary>
/// Slows password guessing: after too many failed logins for one account from one client address, or from one
/// client address over all accounts, within the lockout window, further attempts from that address are refused
/// with 429 and Retry-After until the window ends — before any password is hashed, so a flood also costs the
/// server nothing. The count is never account-wide: failures from an attacker's address must not lock the
/// account's owner out from its own. A success clears that account's count at that address.
/// Counts live in this process's memory (one Lambda instance keeps its own); see docs/security.md.
/// </summary>
public sealed class LoginThrottle(IOptions<TavoloOptions> options, TimeProvider clock)
{
    private const int MaxTrackedKeys = 100_000;
    private readonly AuthOptions _auth = options.Value.Auth;
    private readonly ConcurrentDictionary<string, Window> _failures = new(StringComparer.Ordinal);

    /// <summary>How long the caller must wait, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(string email, string address)
    {
        var now = clock.GetUtcNow();
        return Blocked(AccountKey(email, address), _auth.LoginMaxFailuresPerAccount, now)
            ?? Blocked(AddressKey(address), _auth.LoginMaxFailuresPerAddress, now);
    }

    public void RecordFailure(string email, string address)
    {
        var now = clock.GetUtcNow();
        if (_failures.Count > MaxTrackedKeys)
            Prune(now);
        Count(AccountKey(email, address), now);
        Count(AddressKey(address), now);
    }

    public void RecordSuccess(string email, string address) => _failures.TryRemove(AccountKey(email, address), out _);

    private TimeSpan? Blocked(string key, int limit, DateTimeOffset now) =>
        _failures.TryGetValue(key, out var window) && window.Ends > now && window.Count >= limit ? window.Ends - now : null;

    private void Count(string key, DateTimeOffset now) =>
        _failures.AddOrUpdate(key,
            _ => new Window(1, now + Lockout),
            (_, w) => w.Ends > now ? w with { Count = w.Count + 1 } : new Window(1, now + Lockout));

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, window) in _failures)
        {
            if (window.Ends <= now) _failures.TryRemove(key, out _);
        }
    }

    private TimeSpan Lockout => TimeSpan.FromMinutes(_auth.LoginLockoutMinutes);

    private static string AccountKey(string email, string address) => "account:" + address + " " + email.Trim().ToUpperInvariant();

    private static string AddressKey(string address) => "address:" + address;

    private sealed record Window(int Count, DateTimeOffset Ends);
}
