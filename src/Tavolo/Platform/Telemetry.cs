using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tavolo.Platform;

/// <summary>
/// Tavolo's own spans and metrics, for OpenTelemetry (<see cref="OpenTelemetrySetup"/>). Spans come from one
/// <see cref="ActivitySource"/> named <c>Tavolo</c>: the SQLite commands and writes, the DynamoDB and SQS calls, the
/// notification pipeline. With no listener (OpenTelemetry off) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null and costs a field read; an instrument with no listener records nothing.
/// </summary>
public static class Telemetry
{
    public const string Name = "Tavolo";

    public static readonly ActivitySource Source = new(Name, CommandLine.Version);

    private static readonly Meter Meter = new(Name, CommandLine.Version);

    /// <summary>Orders placed (a replay is not a new order).</summary>
    public static readonly Counter<long> OrdersPlaced = Meter.CreateCounter<long>("tavolo.orders.placed", "{order}", "Orders placed.");

    /// <summary>Each placed order's total, in its restaurant's currency.</summary>
    public static readonly Histogram<double> OrderTotal = Meter.CreateHistogram<double>("tavolo.orders.total", "{currency}", "Totals of placed orders.");

    /// <summary>Notification attempts by <c>channel</c> and <c>outcome</c>: <c>sent</c>, <c>failed</c> (retried later), <c>dead_lettered</c>.</summary>
    public static readonly Counter<long> Notifications = Meter.CreateCounter<long>("tavolo.notifications", "{notification}",
        "Notification attempts by channel and outcome (sent, failed, dead_lettered).");

    /// <summary>How long a message waited on the queue: from its send to the consumer taking it.</summary>
    public static readonly Histogram<double> QueueAge = Meter.CreateHistogram<double>("tavolo.notifications.queue.age", "s",
        "Time from a notification message's enqueue to its receipt by the consumer.");

    /// <summary>
    /// A client span for a store call: <c>db.system.name</c> and the operation, named "operation system". Only inside a
    /// trace: the database's own background work (checkpoints, the hourly sweep) would otherwise be a trace per command.
    /// </summary>
    public static Activity? StartStoreCall(string system, string operation)
    {
        if (!Source.HasListeners() || Activity.Current is null)
            return null;
        var activity = Source.StartActivity($"{operation} {system}", ActivityKind.Client);
        activity?.SetTag("db.system.name", system);
        activity?.SetTag("db.operation.name", operation);
        return activity;
    }

    /// <summary>Marks the span failed with the exception's type (never its message: it may hold data).</summary>
    public static void Failed(this Activity? activity, Exception exception)
    {
        if (activity is null)
            return;
        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        activity.SetTag("error.type", exception.GetType().FullName);
    }
}
