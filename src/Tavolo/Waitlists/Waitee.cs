namespace Tavolo.Waitlists;

/// <summary>
/// A party waiting for a table. <c>Position</c> is computed by the store when read (null once ended).
/// <c>QuotedWaitMinutes</c> is the wait the host told the party; null only for parties added before quotes were kept
/// (see <see cref="WaiteeQuote"/>).
/// </summary>
public sealed record Waitee(
    string Id, string WaitlistId, string Name, int PartySize, string? Email, string? Phone, string? Notes, string Status,
    DateTime? NotifyAt, DateTime JoinedAt, DateTime? NotifiedAt, DateTime? SeatedAt, DateTime? EndedAt, string GuestToken,
    int PositionAtJoin, int? Position = null, int? QuotedWaitMinutes = null);

public static class WaiteeStatus
{
    public const string Waiting = "WAITING";
    public const string Notified = "NOTIFIED";
    public const string Seated = "SEATED";
    public const string Removed = "REMOVED";
    public const string Left = "LEFT";
    public const string NoShow = "NO_SHOW";

    public static readonly string[] All = [Waiting, Notified, Seated, Removed, Left, NoShow];
    public static readonly string[] Active = [Waiting, Notified];

    /// <summary>What staff may undo (for <see cref="RestoreWindow"/>): not LEFT, a guest's own leaving.</summary>
    public static readonly string[] Restorable = [Seated, Removed, NoShow];

    /// <summary>How long after a party ended staff may put it back in line.</summary>
    public static readonly TimeSpan RestoreWindow = TimeSpan.FromMinutes(10);

    /// <summary>Whether a move to <paramref name="status"/> ends the party's wait (sets <c>endedAt</c>).</summary>
    public static bool Ends(string status) => status is Seated or Removed or Left or NoShow;
}

/// <summary>The quoted wait: the host's number, else the estimate when the party was added.</summary>
public static class WaiteeQuote
{
    public const int Max = 480;

    /// <summary>The estimate for a party joining at <paramref name="positionAtJoin"/>, within 0–480 (what the default quote is).</summary>
    public static int Default(int positionAtJoin, double minutesPerParty) =>
        (int)Math.Clamp(Math.Round(minutesPerParty * (positionAtJoin - 1), MidpointRounding.AwayFromZero), 0, Max);

    /// <summary>
    /// The stored quote; for a party added before quotes were kept, the estimate at its join as far as it can be told
    /// now: the waitlist's configured minutes per party × the parties that were ahead of it.
    /// </summary>
    public static int Of(Waitee waitee, Waitlist waitlist) =>
        waitee.QuotedWaitMinutes ?? Default(waitee.PositionAtJoin, waitlist.AverageWaitMinutesPerParty);
}

/// <summary>One finished wait: how long it took and how many parties were in line (including it) at join.</summary>
public sealed record WaitSample(double Minutes, int PositionAtJoin);
