namespace Tavolo.Users;

/// <summary>A stored account. The password hash never leaves the server (see <see cref="UserView"/>).</summary>
public sealed record User(
    string Id, string Email, string Name, string Role, string PasswordHash, DateTime CreatedAt, DateTime UpdatedAt);

public enum UserWrite { Done, NotFound, EmailTaken, Conflict }
