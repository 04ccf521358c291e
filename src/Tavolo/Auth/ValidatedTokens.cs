using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Security.Cryptography;

namespace Tavolo.Auth;

/// <summary>
/// Bearer tokens whose ES256 signature and claims were already found valid, each for the rest of its lifetime, so
/// that a client's next requests skip the signature check (about half a bearer request's CPU). Keyed by the token's
/// SHA-256, never the token itself; only tokens that passed the full check get in, so garbage cannot fill it; bounded
/// to <see cref="Capacity"/> entries. A cached token still meets the session check on every request (revocation is
/// <see cref="Authenticator"/>'s business, not the cache's) and expires exactly when the uncached check would refuse it.
/// </summary>
public sealed class ValidatedTokens(TimeProvider clock, int capacity = ValidatedTokens.DefaultCapacity)
{
    public const int DefaultCapacity = 4096;

    private readonly ConcurrentDictionary<(UInt128, UInt128), Entry> _entries = new();
    private readonly Lock _pruning = new();

    public int Capacity => capacity;

    public int Count => _entries.Count;

    /// <summary>A copy of the identity validated earlier for this token, or null when unknown or past its lifetime.</summary>
    public ClaimsIdentity? Find(string token)
    {
        var key = KeyOf(token);
        if (!_entries.TryGetValue(key, out var entry))
            return null;
        if (clock.GetUtcNow().UtcDateTime >= entry.ValidUntil)
        {
            _entries.TryRemove(key, out _);
            return null;
        }
        return entry.Identity.Clone(); // a fresh object per request: nothing a handler does to it leaks into the next
    }

    /// <summary>Remembers a token that has just passed the full check, until its expiry plus the allowed clock skew.</summary>
    public void Add(string token, ClaimsIdentity identity, TimeSpan clockSkew)
    {
        if (identity.FindFirst("exp")?.Value is not { } exp
            || !long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return;
        var validUntil = DateTime.UnixEpoch.AddSeconds(seconds) + clockSkew;
        if (_entries.Count >= capacity && !MakeRoom())
            return;
        _entries[KeyOf(token)] = new Entry(identity.Clone(), validUntil);
    }

    /// <summary>Drops expired entries, then arbitrary ones down to three quarters full; false when another thread is at it.</summary>
    private bool MakeRoom()
    {
        if (!_pruning.TryEnter())
            return false;
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var (key, entry) in _entries)
            {
                if (entry.ValidUntil <= now)
                    _entries.TryRemove(key, out _);
            }
            foreach (var key in _entries.Keys)
            {
                if (_entries.Count < capacity * 3 / 4)
                    break;
                _entries.TryRemove(key, out _);
            }
            return true;
        }
        finally
        {
            _pruning.Exit();
        }
    }

    private static (UInt128, UInt128) KeyOf(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(token.AsSpan()), hash);
        var halves = MemoryMarshal.Cast<byte, UInt128>(hash);
        return (halves[0], halves[1]);
    }

    private sealed record Entry(ClaimsIdentity Identity, DateTime ValidUntil);
}
