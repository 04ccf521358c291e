using Amazon.DynamoDBv2.Model;
using Tavolo.Waitlists;
using Tavolo.Waitlists.Notifications;
using static Tavolo.Storage.Aws.Dynamo;

namespace Tavolo.Storage.Aws;

/// <summary>How waitlists, waitees and notifications are laid out as items of the waitlists table (docs/dynamodb.md): keys and mapping.</summary>
internal static class WaitlistItems
{
    internal static Dictionary<string, AttributeValue> WaitlistKey(string id) => new() { ["pk"] = S("WAITLIST#" + id), ["sk"] = S("WAITLIST") };

    internal static Dictionary<string, AttributeValue> WaiteeKey(string id) => new() { ["pk"] = S("WAITEE#" + id), ["sk"] = S("WAITEE") };

    /// <summary>
    /// A waitee's notification bookkeeping, written only by the notifications half of the adapter: due time (sparse
    /// <c>gsi2</c>), notifications still queued, and a claim in progress with its plan. An edit of the waitee keeps it.
    /// </summary>
    internal static readonly string[] NotificationState = ["dueAt", "gsi2pk", "gsi2sk", "queued", "claimedAt", "claimPlan"];

    /// <summary>
    /// What undoing an end needs, written by the transition that ended the waitee: the status it had
    /// (<c>endedFrom</c>) and its due time then (<c>endedDueAt</c>, "" for none). Items ended before these were kept
    /// have neither: their status is told by <c>notifiedAt</c>.
    /// </summary>
    internal static readonly string[] RestoreState = ["endedFrom", "endedDueAt"];

    internal static string LineKey(DateTime joinedAt, string id) => Time(joinedAt) + "#" + id;

    internal static void SetDue(Dictionary<string, AttributeValue> item, string waiteeId, DateTime? dueAt)
    {
        if (dueAt is not { } due) return;
        item["dueAt"] = T(due);
        item["gsi2pk"] = S("DUE");
        item["gsi2sk"] = S(Time(due) + "#" + waiteeId);
    }

    internal static Dictionary<string, AttributeValue> ToItem(Waitlist w)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = S("WAITLIST#" + w.Id), ["sk"] = S("WAITLIST"), ["gsi1pk"] = S("OWNER#" + w.RestaurantId), ["gsi1sk"] = S(w.Id),
            ["gsi2pk"] = S("WAITLISTS"), ["gsi2sk"] = S(w.Id),
            ["id"] = S(w.Id), ["ownerId"] = S(w.RestaurantId), ["name"] = S(w.Name), ["averageWaitMinutes"] = N(w.AverageWaitMinutesPerParty),
            ["isOpen"] = new() { BOOL = w.IsOpen }, ["webhookSecret"] = S(w.WebhookSecret), ["createdAt"] = T(w.CreatedAt), ["updatedAt"] = T(w.UpdatedAt),
        };
        item.Set("description", w.Description);
        item.Set("webhookUrl", w.WebhookUrl);
        return item;
    }

    internal static Waitlist FromWaitlistItem(Dictionary<string, AttributeValue> i) => new(
        i.Str("id"), i.Str("ownerId"), i.Str("name"), i.StrOrNull("description"), i.Number("averageWaitMinutes"), i["isOpen"].BOOL == true,
        i.StrOrNull("webhookUrl"), i.Str("webhookSecret"), i.Time("createdAt"), i.Time("updatedAt"));

    internal static Dictionary<string, AttributeValue> ToItem(Waitee w)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = S("WAITEE#" + w.Id), ["sk"] = S("WAITEE"), ["gsi1pk"] = S("LINE#" + w.WaitlistId), ["gsi1sk"] = S(LineKey(w.JoinedAt, w.Id)),
            ["gsi3pk"] = S("GUEST#" + w.GuestToken), ["gsi3sk"] = S("WAITEE"),
            ["id"] = S(w.Id), ["waitlistId"] = S(w.WaitlistId), ["name"] = S(w.Name), ["partySize"] = N(w.PartySize), ["status"] = S(w.Status),
            ["joinedAt"] = T(w.JoinedAt), ["guestToken"] = S(w.GuestToken), ["positionAtJoin"] = N(w.PositionAtJoin),
        };
        item.Set("email", w.Email);
        item.Set("phone", w.Phone);
        item.Set("notes", w.Notes);
        item.Set("notifyAt", w.NotifyAt);
        item.Set("notifiedAt", w.NotifiedAt);
        item.Set("seatedAt", w.SeatedAt);
        item.Set("endedAt", w.EndedAt);
        item.Set("quotedWaitMinutes", w.QuotedWaitMinutes);
        return item;
    }

    internal static Waitee FromWaiteeItem(Dictionary<string, AttributeValue> i) => new(
        i.Str("id"), i.Str("waitlistId"), i.Str("name"), i.Number("partySize"), i.StrOrNull("email"), i.StrOrNull("phone"), i.StrOrNull("notes"),
        i.Str("status"), i.TimeOrNull("notifyAt"), i.Time("joinedAt"), i.TimeOrNull("notifiedAt"), i.TimeOrNull("seatedAt"), i.TimeOrNull("endedAt"),
        i.Str("guestToken"), i.Number("positionAtJoin"), QuotedWaitMinutes: i.NumberOrNull("quotedWaitMinutes"));

    internal static Dictionary<string, AttributeValue> NotificationKey(string id) => new() { ["pk"] = S("NOTIFICATION#" + id), ["sk"] = S("NOTIFICATION") };

    internal static Dictionary<string, AttributeValue> ToItem(Notification n)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = S("NOTIFICATION#" + n.Id), ["sk"] = S("NOTIFICATION"), ["gsi1pk"] = S("NOTIFICATIONS#" + n.WaitlistId), ["gsi1sk"] = S(n.Id),
            ["id"] = S(n.Id), ["waitlistId"] = S(n.WaitlistId), ["waiteeId"] = S(n.WaiteeId), ["channel"] = S(n.Channel), ["to"] = S(n.To),
            ["status"] = S(n.Status), ["attempts"] = N(n.Attempts), ["createdAt"] = T(n.CreatedAt),
        };
        if (n.EnqueuedAt is null)
        {
            item["gsi2pk"] = S("UNENQUEUED");
            item["gsi2sk"] = S(Time(n.CreatedAt) + "#" + n.Id);
        }
        item.Set("lastError", n.LastError);
        item.Set("sentAt", n.SentAt);
        item.Set("enqueuedAt", n.EnqueuedAt);
        return item;
    }

    internal static Notification FromNotificationItem(Dictionary<string, AttributeValue> i) => new(
        i.Str("id"), i.Str("waitlistId"), i.Str("waiteeId"), i.Str("channel"), i.Str("to"), i.Str("status"), i.Number("attempts"),
        i.StrOrNull("lastError"), i.Time("createdAt"), i.TimeOrNull("sentAt"), i.TimeOrNull("enqueuedAt"));
}
