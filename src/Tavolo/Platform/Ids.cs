namespace Tavolo.Platform;

/// <summary>Server-made ids: opaque, unguessable enough for a URL, and time-ordered (UUID v7).</summary>
public static class Ids
{
    public static string New() => Guid.CreateVersion7().ToString("N");
}
