namespace Tavolo.Waitlists;

/// <summary>
/// Estimated wait = minutes per party × parties ahead. Minutes per party starts as the waitlist's
/// <c>averageWaitMinutesPerParty</c>; once the waitlist has seated <see cref="MinSamples"/> parties, it is learned
/// from its own recent history: for the last <see cref="Window"/> seated parties, total minutes waited divided by
/// total parties that were ahead of them when they joined (at least one each). A busy evening where tables turn
/// faster than configured thus lowers the estimate, a slow one raises it, and one outlier moves it little.
/// </summary>
public static class WaitEstimator
{
    public const int MinSamples = 5;
    public const int Window = 20;

    public static double MinutesPerParty(Waitlist waitlist, IReadOnlyList<WaitSample> recent)
    {
        if (recent.Count < MinSamples)
            return waitlist.AverageWaitMinutesPerParty;
        var parties = recent.Sum(s => Math.Max(1, s.PositionAtJoin - 1));
        return Math.Max(0, recent.Sum(s => s.Minutes)) / parties;
    }

    /// <summary>Null for an ended waitee; 0 once notified (the table is ready).</summary>
    public static int? EstimatedWaitMinutes(Waitee waitee, double minutesPerParty) =>
        waitee.Position is not { } position ? null
        : waitee.Status == WaiteeStatus.Notified ? 0
        : (int)Math.Round(minutesPerParty * (position - 1), MidpointRounding.AwayFromZero);

    /// <summary>Whole minutes from joining to ending; null while the party is in line.</summary>
    public static int? WaitedMinutes(Waitee waitee) =>
        waitee.EndedAt is { } ended && !WaiteeStatus.Active.Contains(waitee.Status)
            ? (int)Math.Max(0, Math.Floor((ended - waitee.JoinedAt).TotalMinutes))
            : null;
}
