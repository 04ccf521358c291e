namespace Tavolo.Waitlists;

/// <summary>A restaurant's line; <c>WebhookSecret</c> signs its webhook calls.</summary>
public sealed record Waitlist(
    string Id, string OwnerId, string Name, string? Description, int AverageWaitMinutesPerParty, bool IsOpen,
    string? WebhookUrl, string WebhookSecret, DateTime CreatedAt, DateTime UpdatedAt);
