namespace Tavolo.Users;

/// <summary>A stored account. The password hash never leaves the server (see <see cref="UserView"/>).</summary>
public sealed record User(
    string Id, string Email, string Name, string Role, string PasswordHash, DateTime CreatedAt, DateTime UpdatedAt);

public enum UserWrite { Done, NotFound, EmailTaken, Conflict }

/// <summary>The users port: what the Users and Auth modules need of storage, nothing more.</summary>
public interface IUserStore
{
    /// <summary>Adds a user; <see cref="UserWrite.EmailTaken"/> when the email (case-insensitive) is in use.</summary>
    Task<UserWrite> CreateAsync(User user, CancellationToken cancellationToken);

    Task<User?> FindAsync(string id, CancellationToken cancellationToken);

    Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    /// <summary>Users in id order after <paramref name="afterId"/>, optionally of one role; at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<User>> ListAsync(string? role, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces a user only if it is unchanged since <paramref name="expectedUpdatedAt"/> (no lost update).</summary>
    /// <summary>
    /// Users of one role by name (A–Z case-insensitive), then id, after <paramref name="after"/>, whose name contains
    /// <paramref name="nameContains"/> (A–Z case-insensitive) when given: the restaurant directory.
    /// </summary>
    Task<IReadOnlyList<User>> ListByNameAsync(string role, string? nameContains, (string Name, string Id)? after, int limit, CancellationToken cancellationToken);

    Task<UserWrite> UpdateAsync(User user, DateTime expectedUpdatedAt, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    Task<bool> AnyWithRoleAsync(string role, CancellationToken cancellationToken);
}

public static class Roles
{
    public const string Customer = "customer";
    public const string Owner = "owner";
    public const string Admin = "admin";

    public static readonly string[] All = [Customer, Owner, Admin];

    /// <summary>What registration may ask for; only an admin grants <c>admin</c>.</summary>
    public static readonly string[] SelfService = [Customer, Owner];
}
