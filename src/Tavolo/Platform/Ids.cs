using System.Buffers.Binary;

namespace Tavolo.Platform;

/// <summary>
/// Server-made ids: opaque, unguessable enough for a URL, and time-ordered (UUID v7) — strictly increasing within the
/// process. <see cref="Guid.CreateVersion7()"/> alone fills the bits after the millisecond at random, so two ids made
/// in the same millisecond came out in either order, and rows that tie on their timestamp and fall back to the id (two
/// parties joining a waitlist at once) were ordered by chance. Here an id that would not sort after the previous one
/// is the previous one plus one in its random bits (RFC 9562 §6.2, method 2, with the random part as the counter).
/// </summary>
public static class Ids
{
    // The version (4 bits) and variant (2 bits) of a v7 id; an increment that would carry into them is not used.
    private static readonly UInt128 Fixed = (UInt128)0xF000 << 64 | (UInt128)0xC000_0000_0000_0000;
    private static readonly Lock Gate = new();
    private static UInt128 _last;

    public static string New() => Next().ToString("N");

    public static Guid Next()
    {
        while (true)
        {
            Span<byte> bytes = stackalloc byte[16];
            Guid.CreateVersion7().TryWriteBytes(bytes, bigEndian: true, out _);
            var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            lock (Gate)
            {
                if (value <= _last)
                {
                    value = _last + 1;
                    if ((value & Fixed) != (_last & Fixed))
                        continue; // the random bits ran out in this millisecond (never seen): wait for the next one
                }
                _last = value;
            }
            BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
            return new Guid(bytes, bigEndian: true);
        }
    }
}
