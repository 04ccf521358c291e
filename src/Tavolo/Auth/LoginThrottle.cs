using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Auth;

/// <summary>
/// Slows password guessing: after too many failed logins for one account from one client address, or from one
/// client address over all accounts, within the lockout window, further attempts from that address are refused
/// with 429 and Retry-After until the window ends — before any password is hashed, so a flood also costs the
/// server nothing. The count is never account-wide: failures from an attacker's address must not lock the
/// account's owner out from its own.
/// An attempt is counted when it begins (<see cref="TryBegin"/>, check and count in one step), not when its password
/// check fails: 300 logins sent side by side are 300 attempts against the limit, not 300 checks that all passed
/// before the first failure was recorded. A success gives its attempt back and clears the account's count at that
/// address. Counts live in this process's memory (one Lambda instance keeps its own); see docs/security.md.
/// </summary>
public sealed class LoginThrottle(IOptions<TavoloOptions> options, TimeProvider clock)
{
    private const int MaxTrackedKeys = 100_000;
    private readonly AuthOptions _auth = options.Value.Auth;
    private readonly Dictionary<string, Window> _attempts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>
    /// Counts an attempt for this account at this address and this address over all accounts, unless either is at its
    /// limit: then nothing is counted and the answer is how long the caller must wait. Null: go on and check the password.
    /// </summary>
    public TimeSpan? TryBegin(string email, string address)
    {
        var now = clock.GetUtcNow();
        var account = AccountKey(email, address);
        var all = AddressKey(address);
        lock (_lock)
        {
            if ((Blocked(account, _auth.LoginMaxFailuresPerAccount, now) ?? Blocked(all, _auth.LoginMaxFailuresPerAddress, now)) is { } wait)
                return wait;
            if (_attempts.Count > MaxTrackedKeys)
                Prune(now);
            Count(account, now);
            Count(all, now);
            return null;
        }
    }

    /// <summary>The password was right: the attempt is given back, and the account's failures at this address forgotten.</summary>
    public void Succeeded(string email, string address)
    {
        var all = AddressKey(address);
        lock (_lock)
        {
            _attempts.Remove(AccountKey(email, address));
            if (_attempts.TryGetValue(all, out var window) && window.Count > 0)
                _attempts[all] = window with { Count = window.Count - 1 };
        }
    }

    /// <summary>The 429 for a refused attempt, with Retry-After in whole seconds.</summary>
    public static ProblemHttpResult TooMany(HttpContext context, TimeSpan wait)
    {
        context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem("Too many failed logins. Try again later.", statusCode: StatusCodes.Status429TooManyRequests);
    }

    private TimeSpan? Blocked(string key, int limit, DateTimeOffset now) =>
        _attempts.TryGetValue(key, out var window) && window.Ends > now && window.Count >= limit ? window.Ends - now : null;

    private void Count(string key, DateTimeOffset now) =>
        _attempts[key] = _attempts.TryGetValue(key, out var w) && w.Ends > now ? w with { Count = w.Count + 1 } : new Window(1, now + Lockout);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, window) in _attempts)
        {
            if (window.Ends <= now) _attempts.Remove(key);
        }
    }

    private TimeSpan Lockout => TimeSpan.FromMinutes(_auth.LoginLockoutMinutes);

    private static string AccountKey(string email, string address) => "account:" + address + " " + email.Trim().ToUpperInvariant();

    private static string AddressKey(string address) => "address:" + address;

    private sealed record Window(int Count, DateTimeOffset Ends);
}
