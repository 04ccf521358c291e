using System.Buffers.Binary;

namespace Tavolo.Platform;

/// <summary>
/// Server-made ids: opaque, unguessable enough for a URL (62 random bits each), and time-ordered (UUID v7) — strictly
/// increasing within the process. <see cref="Guid.CreateVersion7()"/> alone fills every bit after the millisecond at
/// random, so two ids of one millisecond came out in either order, and rows that tie on their timestamp and fall back
/// to the id (two parties joining a waitlist at once) were ordered by chance. Here the 12 bits after the version count
/// up within a millisecond (RFC 9562 §6.2, method 1: a dedicated counter, seeded at random below its half each millisecond), and the
/// last 62 stay random for every id, so the next id cannot be worked out from this one.
/// </summary>
public static class Ids
{
    private const int CounterShift = 64; // rand_a, the 12 bits after the 4-bit version
    private const int MillisecondShift = 80;
    private static readonly UInt128 Counter = (UInt128)0xFFF << CounterShift;
    private static readonly Lock Gate = new();
    private static UInt128 _last;

    public static string New() => Next().ToString("N");

    /// <summary>
    /// A request's id: the same shape (UUID v7, 32 hex digits, the time first), its 74 other bits from
    /// <see cref="Random.Shared"/>. It names a request in logs and problem bodies and guards nothing, so it needs no
    /// cryptographic randomness — and <see cref="Guid.CreateVersion7()"/> reads <c>/dev/urandom</c> on every call here, a
    /// system call on every request (docs/performance.md).
    /// </summary>
    public static string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        var millisecond = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteUInt64BigEndian(bytes, millisecond << 16 | (0x7000u | BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]) & 0x0FFFu));
        bytes[8] = (byte)(0x80 | bytes[8] & 0x3F); // RFC 9562 variant
        return Convert.ToHexStringLower(bytes);
    }

    private static Guid Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        while (true)
        {
            Guid.CreateVersion7().TryWriteBytes(bytes, bigEndian: true, out _);
            var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            lock (Gate)
            {
                var millisecond = value >> MillisecondShift;
                var lastMillisecond = _last >> MillisecondShift;
                if (millisecond > lastMillisecond)
                {
                    value &= ~((UInt128)0x800 << CounterShift); // a new millisecond: room for at least 2,048 more
                }
                else
                {
                    var count = ((_last & Counter) >> CounterShift) + 1;
                    if (count > 0xFFF)
                    {
                        if (millisecond == lastMillisecond)
                            continue; // 4,096 ids in this millisecond already: take the next one
                        (lastMillisecond, count) = (lastMillisecond + 1, 0); // the clock went back: run on ahead of it
                    }
                    // The same (or the last) millisecond, the counter one up, this id's own random tail.
                    value = lastMillisecond << MillisecondShift | (value & ~((UInt128.MaxValue << MillisecondShift) | Counter)) | count << CounterShift;
                }
                _last = value;
            }
            BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
            return new Guid(bytes, bigEndian: true);
        }
    }
}
