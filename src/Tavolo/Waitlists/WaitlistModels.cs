using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.Waitlists;

public sealed record WaitlistView(
    string Id, string RestaurantId, string Name, string? Description, int AverageWaitMinutesPerParty, bool IsOpen,
    string? WebhookUrl, string WebhookSecret, int WaitingCount, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static WaitlistView From(Waitlist w, int waitingCount) => new(
        w.Id, w.RestaurantId, w.Name, w.Description, w.AverageWaitMinutesPerParty, w.IsOpen, w.WebhookUrl, w.WebhookSecret,
        waitingCount, w.CreatedAt, w.UpdatedAt);
}

/// <summary>A new waitlist, or (PUT) its new terms; <c>RestaurantId</c> only on create, by a person who works at several restaurants.</summary>
public sealed record WaitlistRequest(
    string? Name, string? Description, int? AverageWaitMinutesPerParty, bool? IsOpen, string? WebhookUrl, string? RestaurantId = null) : IValidatable
{
    /// <summary>Whether applying this to <paramref name="current"/> would change anything but <c>isOpen</c> (what a HOST may change).</summary>
    public bool ChangesMoreThanOpen(Waitlist current) =>
        Name?.Trim() != current.Name
        || (Description is not null && Description.Trim() != current.Description)
        || (AverageWaitMinutesPerParty is { } average && average != current.AverageWaitMinutesPerParty)
        || (WebhookUrl is not null && WebhookUrl != current.WebhookUrl);

    public void Validate(ValidationErrors errors)
    {
        errors.Text("restaurantId", RestaurantId, 1, 100, required: false);
        errors.Text("name", Name, 1, 100);
        errors.Text("description", Description, 0, 500, required: false);
        errors.Range("averageWaitMinutesPerParty", AverageWaitMinutesPerParty, 1, 240, required: false);
        WaiteeRules.WebhookUrl(errors, WebhookUrl);
    }
}

public sealed record WaiteeView(
    string Id, string WaitlistId, string RestaurantId, string Name, int PartySize,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Phone,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Notes,
    string Status, int? Position, int? EstimatedWaitMinutes, int QuotedWaitMinutes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? WaitedMinutes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? NotifyAt,
    DateTime JoinedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? NotifiedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? SeatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? EndedAt,
    string GuestToken)
{
    /// <summary>The waitee as staff see it; <paramref name="waitlist"/> is its own (its restaurant, its configured pace for old quotes).</summary>
    public static WaiteeView From(Waitee w, Waitlist waitlist, double minutesPerParty)
    {
        var ended = !WaiteeStatus.Active.Contains(w.Status);
        return new(
            w.Id, w.WaitlistId, waitlist.RestaurantId, w.Name, w.PartySize, w.Email, w.Phone, w.Notes, w.Status, w.Position,
            WaitEstimator.EstimatedWaitMinutes(w, minutesPerParty), WaiteeQuote.Of(w, waitlist), WaitEstimator.WaitedMinutes(w), w.NotifyAt,
            w.JoinedAt, w.NotifiedAt, w.SeatedAt, ended ? w.EndedAt : null, w.GuestToken);
    }
}

/// <summary>What a guest sees through its link: no contact details, no notes.</summary>
public sealed record GuestView(
    string WaitlistName, string RestaurantName, string Name, int PartySize, string Status, int? Position, int? EstimatedWaitMinutes,
    int QuotedWaitMinutes, DateTime JoinedAt)
{
    public static GuestView From(Waitee w, Waitlist waitlist, string restaurantName, double minutesPerParty) => new(
        waitlist.Name, restaurantName, w.Name, w.PartySize, w.Status, w.Position, WaitEstimator.EstimatedWaitMinutes(w, minutesPerParty),
        WaiteeQuote.Of(w, waitlist), w.JoinedAt);
}

/// <summary>What the self check-in page shows about a waitlist: nothing about the parties on it.</summary>
public sealed record PublicWaitlistView(
    string Id, string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description,
    bool IsOpen, int WaitingCount, int EstimatedWaitMinutes);

/// <summary>A party joining the line: added by staff, or (without notes) by the guest itself.</summary>
public sealed record WaiteeRequest(
    string? Name, int? PartySize, string? Email, string? Phone, string? Notes, DateTime? NotifyAt, int? NotifyInMinutes,
    int? QuotedWaitMinutes = null) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        errors.Text("name", Name, 1, 100);
        errors.Range("partySize", PartySize, 1, 50);
        WaiteeRules.Contact(errors, Email, Phone, required: true);
        errors.Text("notes", Notes, 0, 500, required: false);
        errors.Range("quotedWaitMinutes", QuotedWaitMinutes, 0, WaiteeQuote.Max, required: false);
        WaiteeRules.NotifyTime(errors, NotifyAt, NotifyInMinutes);
    }

    /// <summary>When the producer should notify: <c>notifyAt</c>, or now + <c>notifyInMinutes</c>, or never by itself.</summary>
    public DateTime? DueAt(DateTime now) =>
        NotifyAt?.ToUniversalTime() ?? (NotifyInMinutes is { } minutes ? now.AddMinutes(minutes) : null);
}

/// <summary>
/// Guest self check-in: who and how to reach them, nothing more. Notes, a quote and a notify time are the staff's: a
/// guest who sends one gets a 400 under that field (a notify time of 0 would make Tavolo message any address, with no
/// host involved). Other unknown fields are ignored, as everywhere.
/// </summary>
public sealed record JoinRequest : IValidatable
{
    public string? Name { get; init; }

    public int? PartySize { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }


    /// <summary>The staff-only fields, by their JSON names.</summary>
    public static readonly string[] StaffOnly = ["notes", "quotedWaitMinutes", "notifyAt", "notifyInMinutes"];

    /// <summary>Every field the body had beyond the four above (read only to refuse the staff-only ones).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }

    public void Validate(ValidationErrors errors)
    {
        ToWaiteeRequest().Validate(errors);
        foreach (var (field, value) in Other ?? [])
        {
            // null sets nothing (a generated client may send every field it knows): only a value is refused
            if (value.ValueKind != JsonValueKind.Null && StaffOnly.FirstOrDefault(f => f.Equals(field, StringComparison.OrdinalIgnoreCase)) is { } staffOnly)
                errors.Add(staffOnly, "Only the restaurant's staff can set this.");
        }
    }

    public WaiteeRequest ToWaiteeRequest() => new(Name, PartySize, Email, Phone, null, null, null);
}

/// <summary>Staff edit of a waitee: any of the fields; absent ones stay.</summary>
public sealed record WaiteeUpdateRequest(
    string? Name, int? PartySize, string? Email, string? Phone, string? Notes, DateTime? NotifyAt, int? NotifyInMinutes,
    int? QuotedWaitMinutes = null) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        if (Name is not null) errors.Text("name", Name, 1, 100);
        errors.Range("partySize", PartySize, 1, 50, required: false);
        WaiteeRules.Contact(errors, Email, Phone, required: false);
        errors.Text("notes", Notes, 0, 500, required: false);
        errors.Range("quotedWaitMinutes", QuotedWaitMinutes, 0, WaiteeQuote.Max, required: false);
        WaiteeRules.NotifyTime(errors, NotifyAt, NotifyInMinutes);
    }
}

public sealed record WaitlistListQuery : IValidatable
{
    public string? Limit { get; init; }

    public string? Cursor { get; init; }

    public void Validate(ValidationErrors errors) => PageLimit.Validate(Limit, errors);
}

/// <summary><c>GET /waitlists</c>: a page, of every restaurant the caller works at or (<c>restaurantId</c>) of one.</summary>
public sealed record WaitlistsQuery : IValidatable
{
    public string? RestaurantId { get; init; }

    public string? Limit { get; init; }

    public string? Cursor { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.Text("restaurantId", RestaurantId, 1, 100, required: false);
        PageLimit.Validate(Limit, errors);
    }
}

public sealed record WaiteeListQuery : IValidatable
{
    public string? Status { get; init; }

    public string? Limit { get; init; }

    public string? Cursor { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.OneOf("status", Status, WaiteeStatus.All, required: false);
        PageLimit.Validate(Limit, errors);
    }
}

public static partial class WaiteeRules
{
    public static void Contact(ValidationErrors errors, string? email, string? phone, bool required)
    {
        if (required && string.IsNullOrWhiteSpace(email) && string.IsNullOrWhiteSpace(phone))
            errors.Add("email", "Give an email or a phone number (or both), so the party can be told its table is ready.");
        if (email is not null)
            UserRules.Email(errors, email);
        if (phone is not null && !E164().IsMatch(phone))
            errors.Add("phone", "Must be an E.164 number, such as +14155550123.");
    }

    public static void NotifyTime(ValidationErrors errors, DateTime? notifyAt, int? notifyInMinutes)
    {
        if (notifyAt is not null && notifyInMinutes is not null)
            errors.Add("notifyAt", "Give notifyAt or notifyInMinutes, not both.");
        errors.Range("notifyInMinutes", notifyInMinutes, 0, 480, required: false);
        if (notifyAt is { Kind: DateTimeKind.Unspecified })
            errors.Add("notifyAt", "Must carry a time zone (Z or an offset).");
    }

    public static void WebhookUrl(ValidationErrors errors, string? url)
    {
        if (url is null) return;
        if (url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http"))
            errors.Add("webhookUrl", "Must be an absolute http(s) URL."); // https-only (unless allowed) is checked when saved
    }

    public static bool IsE164(string phone) => E164().IsMatch(phone);

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}

public sealed record NotificationView(
    string Id, string WaiteeId, string Channel, string To, string Status, int Attempts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastError,
    DateTime CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? SentAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WaitlistView))]
[JsonSerializable(typeof(WaitlistRequest))]
[JsonSerializable(typeof(Page<WaitlistView>))]
[JsonSerializable(typeof(WaiteeView))]
[JsonSerializable(typeof(WaiteeRequest))]
[JsonSerializable(typeof(WaiteeUpdateRequest))]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(Page<WaiteeView>))]
[JsonSerializable(typeof(GuestView))]
[JsonSerializable(typeof(PublicWaitlistView))]
[JsonSerializable(typeof(NotificationView))]
[JsonSerializable(typeof(Page<NotificationView>))]
internal sealed partial class WaitlistsJson : JsonSerializerContext;
