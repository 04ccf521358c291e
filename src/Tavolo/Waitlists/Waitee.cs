namespace Tavolo.Waitlists;

/// <summary>A party waiting for a table. <c>Position</c> is computed by the store when read (null once ended).</summary>
public sealed record Waitee(
    string Id, string WaitlistId, string Name, int PartySize, string? Email, string? Phone, string? Notes, string Status,
    DateTime? NotifyAt, DateTime JoinedAt, DateTime? NotifiedAt, DateTime? SeatedAt, DateTime? EndedAt, string GuestToken,
    int PositionAtJoin, int? Position = null);

public static class WaiteeStatus
{
    public const string Waiting = "WAITING";
    public const string Notified = "NOTIFIED";
    public const string Seated = "SEATED";
    public const string Removed = "REMOVED";
    public const string Left = "LEFT";

    public static readonly string[] All = [Waiting, Notified, Seated, Removed, Left];
    public static readonly string[] Active = [Waiting, Notified];
}

/// <summary>One finished wait: how long it took and how many parties were in line (including it) at join.</summary>
public sealed record WaitSample(double Minutes, int PositionAtJoin);
