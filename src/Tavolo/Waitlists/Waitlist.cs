namespace Tavolo.Waitlists;

/// <summary>A restaurant's line (<c>RestaurantId</c> names the restaurant whose staff run it); <c>WebhookSecret</c> signs its webhook calls.</summary>
public sealed record Waitlist(
    string Id, string RestaurantId, string Name, string? Description, int AverageWaitMinutesPerParty, bool IsOpen,
    string? WebhookUrl, string WebhookSecret, DateTime CreatedAt, DateTime UpdatedAt);
