using Microsoft.Data.Sqlite;
using Tavolo.Restaurants;

namespace Tavolo.Storage.Sqlite;

/// <summary>Restaurants, memberships and invitations: three tables of one concept, written only here.</summary>
public sealed class SqliteRestaurantStore(SqliteDatabase database, TimeProvider clock) : IRestaurantStore
{
    private const string Columns = "id, name, description, address, phone, time_zone, currency, country, created_at, updated_at";
    private const string InvitationColumns = "id, restaurant_id, email, role, token_hash, invited_by, created_at, expires_at";

    // Read on every request to a restaurant's private routes; exact on this process (writes forget what they change).
    private readonly RowCache<string, Restaurant> _restaurants = new(clock);
    private readonly RowCache<(string Restaurant, string User), Membership> _members = new(clock);

    public Task<bool> CreateAsync(Restaurant restaurant, string ownerUserId, CancellationToken cancellationToken) =>
        _restaurants.ForgetAfter(restaurant.Id, database.WriteAsync(async (connection, cancellationToken) =>
        {
            if (await connection.ExecuteAsync(
                $"INSERT INTO restaurants ({Columns}) VALUES ($id, $name, $description, $address, $phone, $zone, $currency, $country, $created, $updated) ON CONFLICT (id) DO NOTHING;",
                cancellationToken, Parameters(restaurant)) == 0)
                return false;
            await connection.ExecuteAsync(
                "INSERT INTO memberships (restaurant_id, user_id, role, since) VALUES ($restaurant, $user, 'OWNER', $since);",
                cancellationToken, ("$restaurant", restaurant.Id), ("$user", ownerUserId), ("$since", Sql.Time(restaurant.CreatedAt)));
            return true;
        }, cancellationToken));

    public async Task<Restaurant?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (_restaurants.TryGet(id, out var cached))
            return cached;
        var version = _restaurants.Version;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync($"SELECT {Columns} FROM restaurants WHERE id = $id;", Read, cancellationToken, ("$id", id));
        if (rows.Count == 0)
            return null;
        _restaurants.Keep(id, rows[0], version);
        return rows[0];
    }

    public async Task<IReadOnlyList<Restaurant>> ListByNameAsync(
        string? nameContains, (string Name, string Id)? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"""
            SELECT {Columns} FROM restaurants
            WHERE ($q IS NULL OR instr(lower(name), lower($q)) > 0)
                AND ($afterName IS NULL OR (lower(name), id) > (lower($afterName), $afterId))
            ORDER BY lower(name), id LIMIT $limit;
            """,
            Read, cancellationToken, ("$q", nameContains), ("$afterName", after?.Name), ("$afterId", after?.Id), ("$limit", limit));
    }

    public Task<bool> ReplaceAsync(Restaurant restaurant, CancellationToken cancellationToken) =>
        _restaurants.ForgetAfter(restaurant.Id, database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync(
                """
                UPDATE restaurants SET name = $name, description = $description, address = $address, phone = $phone,
                    time_zone = $zone, currency = $currency, country = $country, updated_at = $updated
                WHERE id = $id;
                """, cancellationToken, Parameters(restaurant)) == 1, cancellationToken));

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var members = await ListStaffAsync(id, cancellationToken);
        try
        {
            return await _restaurants.ForgetAfter(id, database.WriteAsync(async (connection, cancellationToken) =>
            {
                await connection.ExecuteAsync(
                    "DELETE FROM memberships WHERE restaurant_id = $id; DELETE FROM invitations WHERE restaurant_id = $id;",
                    cancellationToken, ("$id", id));
                return await connection.ExecuteAsync("DELETE FROM restaurants WHERE id = $id;", cancellationToken, ("$id", id)) == 1;
            }, cancellationToken));
        }
        finally
        {
            foreach (var member in members)
                _members.Forget((id, member.UserId));
        }
    }

    public async Task<Membership?> FindMemberAsync(string restaurantId, string userId, CancellationToken cancellationToken)
    {
        if (_members.TryGet((restaurantId, userId), out var cached))
            return cached;
        var version = _members.Version;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(
            "SELECT restaurant_id, user_id, role, since FROM memberships WHERE restaurant_id = $restaurant AND user_id = $user;",
            ReadMember, cancellationToken, ("$restaurant", restaurantId), ("$user", userId));
        if (rows.Count == 0)
            return null;
        _members.Keep((restaurantId, userId), rows[0], version);
        return rows[0];
    }

    public async Task<IReadOnlyList<Membership>> ListStaffAsync(string restaurantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            "SELECT restaurant_id, user_id, role, since FROM memberships WHERE restaurant_id = $restaurant ORDER BY since, user_id;",
            ReadMember, cancellationToken, ("$restaurant", restaurantId));
    }

    public async Task<IReadOnlyList<Membership>> ListMembershipsAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            "SELECT restaurant_id, user_id, role, since FROM memberships WHERE user_id = $user ORDER BY restaurant_id;",
            ReadMember, cancellationToken, ("$user", userId));
    }

    public Task<StaffWrite> SetRoleAsync(string restaurantId, string userId, string role, CancellationToken cancellationToken) =>
        ChangeMemberAsync(restaurantId, userId, role, cancellationToken);

    public Task<StaffWrite> RemoveMemberAsync(string restaurantId, string userId, CancellationToken cancellationToken) =>
        ChangeMemberAsync(restaurantId, userId, null, cancellationToken);

    /// <summary>A role change (or, with no role, a removal) that keeps an OWNER: the check and the write are one transaction.</summary>
    private Task<StaffWrite> ChangeMemberAsync(string restaurantId, string userId, string? role, CancellationToken cancellationToken) =>
        _members.ForgetAfter((restaurantId, userId), database.WriteAsync(async (connection, cancellationToken) =>
        {
            var current = await connection.ScalarAsync(
                "SELECT role FROM memberships WHERE restaurant_id = $restaurant AND user_id = $user;",
                cancellationToken, ("$restaurant", restaurantId), ("$user", userId)) as string;
            if (current is null)
                return StaffWrite.NotMember;
            if (current == StaffRoles.Owner && role != StaffRoles.Owner && Convert.ToInt64(await connection.ScalarAsync(
                    "SELECT COUNT(*) FROM memberships WHERE restaurant_id = $restaurant AND role = 'OWNER';",
                    cancellationToken, ("$restaurant", restaurantId)), System.Globalization.CultureInfo.InvariantCulture) <= 1)
                return StaffWrite.LastOwner;
            await connection.ExecuteAsync(
                role is null
                    ? "DELETE FROM memberships WHERE restaurant_id = $restaurant AND user_id = $user;"
                    : "UPDATE memberships SET role = $role WHERE restaurant_id = $restaurant AND user_id = $user;",
                cancellationToken, ("$restaurant", restaurantId), ("$user", userId), ("$role", role));
            return StaffWrite.Done;
        }, cancellationToken));

    public Task<InvitationWrite> InviteAsync(Invitation invitation, int maxPending, DateTime now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            await connection.ExecuteAsync(
                "DELETE FROM invitations WHERE restaurant_id = $restaurant AND expires_at <= $now;",
                cancellationToken, ("$restaurant", invitation.RestaurantId), ("$now", Sql.Time(now)));
            if (await connection.ScalarAsync(
                    "SELECT 1 FROM invitations WHERE restaurant_id = $restaurant AND email_normalized = $email;",
                    cancellationToken, ("$restaurant", invitation.RestaurantId), ("$email", Normalize(invitation.Email))) is not null)
                return InvitationWrite.AlreadyInvited;
            if (Convert.ToInt64(await connection.ScalarAsync(
                    "SELECT COUNT(*) FROM invitations WHERE restaurant_id = $restaurant;", cancellationToken, ("$restaurant", invitation.RestaurantId)),
                    System.Globalization.CultureInfo.InvariantCulture) >= maxPending)
                return InvitationWrite.TooMany;
            await connection.ExecuteAsync(
                $"INSERT INTO invitations ({InvitationColumns}, email_normalized) VALUES ($id, $restaurant, $email, $role, $hash, $by, $created, $expires, $normalized);",
                cancellationToken,
                ("$id", invitation.Id), ("$restaurant", invitation.RestaurantId), ("$email", invitation.Email), ("$role", invitation.Role),
                ("$hash", invitation.TokenHash), ("$by", invitation.InvitedBy), ("$created", Sql.Time(invitation.CreatedAt)),
                ("$expires", Sql.Time(invitation.ExpiresAt)), ("$normalized", Normalize(invitation.Email)));
            return InvitationWrite.Done;
        }, cancellationToken);

    public async Task<IReadOnlyList<Invitation>> ListInvitationsAsync(string restaurantId, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {InvitationColumns} FROM invitations WHERE restaurant_id = $restaurant AND expires_at > $now ORDER BY created_at, id;",
            ReadInvitation, cancellationToken, ("$restaurant", restaurantId), ("$now", Sql.Time(now)));
    }

    public async Task<Invitation?> FindInvitationAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(
            $"SELECT {InvitationColumns} FROM invitations WHERE token_hash = $hash;", ReadInvitation, cancellationToken, ("$hash", tokenHash));
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<bool> WithdrawAsync(string restaurantId, string invitationId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) => await connection.ExecuteAsync(
            "DELETE FROM invitations WHERE id = $id AND restaurant_id = $restaurant;",
            cancellationToken, ("$id", invitationId), ("$restaurant", restaurantId)) == 1, cancellationToken);

    public Task<bool> AcceptAsync(Invitation invitation, string userId, DateTime now, CancellationToken cancellationToken) =>
        _members.ForgetAfter((invitation.RestaurantId, userId), database.WriteAsync(async (connection, cancellationToken) =>
        {
            if (await connection.ExecuteAsync(
                    "DELETE FROM invitations WHERE id = $id AND expires_at > $now AND EXISTS (SELECT 1 FROM restaurants WHERE id = $restaurant);",
                    cancellationToken, ("$id", invitation.Id), ("$now", Sql.Time(now)), ("$restaurant", invitation.RestaurantId)) == 0)
                return false;
            await connection.ExecuteAsync(
                "INSERT INTO memberships (restaurant_id, user_id, role, since) VALUES ($restaurant, $user, $role, $since) ON CONFLICT DO NOTHING;",
                cancellationToken, ("$restaurant", invitation.RestaurantId), ("$user", userId), ("$role", invitation.Role), ("$since", Sql.Time(now)));
            return true;
        }, cancellationToken));

    private static string Normalize(string email) => email.Trim().ToUpperInvariant();

    private static (string, object?)[] Parameters(Restaurant r) =>
    [
        ("$id", r.Id), ("$name", r.Name), ("$description", r.Description), ("$address", r.Address), ("$phone", r.Phone),
        ("$zone", r.TimeZone), ("$currency", r.Currency), ("$country", r.Country), ("$created", Sql.Time(r.CreatedAt)), ("$updated", Sql.Time(r.UpdatedAt)),
    ];

    private static Restaurant Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetStringOrNull(2), r.GetStringOrNull(3), r.GetStringOrNull(4), r.GetString(5), r.GetString(6),
        r.GetStringOrNull(7), r.GetTime(8), r.GetTime(9));

    private static Membership ReadMember(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetTime(3));

    private static Invitation ReadInvitation(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetTime(6), r.GetTime(7));
}
