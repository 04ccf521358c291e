namespace Tavolo.Users;

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
