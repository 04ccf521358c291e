using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tavolo.Restaurants;
using static Tavolo.Storage.Aws.Dynamo;

namespace Tavolo.Storage.Aws;

/// <summary>
/// Restaurants in their own table, one partition per restaurant (<c>RESTAURANT#{id}</c>): the <c>PROFILE</c> item,
/// a <c>MEMBER#{userId}</c> item per member and an <c>INVITATION#{EMAIL}</c> item per invitation, so one Query reads a
/// restaurant's staff or invitations and one delete of the partition removes it. Memberships by user: GSI <c>gsi1</c>
/// (<c>USER#{userId}</c>); an invitation by its token's hash: <c>gsi1</c> <c>TOKEN#{hash}</c>; the directory: GSI
/// <c>gsi2</c> (<c>RESTAURANTS</c>, by lower-cased name, then id). No transactions: the profile keeps two counters,
/// <c>owners</c> and <c>pending</c> (invitations), each changed by a conditional write ordered so that it errs towards
/// refusing (docs/dynamodb.md, "restaurants"). Nothing is cached: on Lambda a removed member loses access at once.
/// </summary>
public sealed class DynamoRestaurantStore(IAmazonDynamoDB dynamo, DynamoTables tables) : IRestaurantStore
{
    /// <summary>Schema version of the profile item (it carries it as <c>v</c>).</summary>
    private const int Version = 1;

    /// <summary>How often a staff change re-reads the member when a concurrent change beat it, before giving up.</summary>
    private const int Attempts = 5;

    public static DynamoTable Table(string prefix) =>
        new(prefix + "restaurants", "pk", "sk", ("gsi1", "gsi1pk", "gsi1sk"), ("gsi2", "gsi2pk", "gsi2sk"));

    private string Name => tables.Restaurants.Name;

    public async Task<bool> CreateAsync(Restaurant restaurant, string ownerUserId, CancellationToken cancellationToken)
    {
        // The profile decides (the id is free); the first member follows, and a failure to write it takes the profile back.
        var profile = ToItem(restaurant);
        profile["owners"] = N(1);
        profile["pending"] = N(0);
        if (!await SucceedsAsync(() => dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = Name, Item = profile, ConditionExpression = "attribute_not_exists(pk)",
        }, cancellationToken)))
            return false;
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest { TableName = Name, Item = ToItem(new Membership(restaurant.Id, ownerUserId, StaffRoles.Owner, restaurant.CreatedAt)) }, cancellationToken);
        }
        catch
        {
            await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Name, Key = ProfileKey(restaurant.Id) }, CancellationToken.None);
            throw;
        }
        return true;
    }

    public async Task<Restaurant?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Name, Key = ProfileKey(id), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    public async Task<IReadOnlyList<Restaurant>> ListByNameAsync(
        string? nameContains, (string Name, string Id)? after, int limit, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":all"] = S(DirectoryPartition) };
        var condition = "gsi2pk = :all";
        if (after is var (name, id)) { condition += " AND gsi2sk > :after"; values[":after"] = S(NameKey(name, id)); }
        if (nameContains is not null) values[":q"] = S(AsciiLower(nameContains));
        var items = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            IndexName = "gsi2",
            KeyConditionExpression = condition,
            FilterExpression = nameContains is null ? null : "contains(nameFolded, :q)",
            ExpressionAttributeValues = values,
        }, limit, cancellationToken);
        return items.Select(FromItem).ToList();
    }

    public async Task<bool> ReplaceAsync(Restaurant restaurant, CancellationToken cancellationToken)
    {
        // Every attribute by a placeholder name: several (timeZone, name) are DynamoDB reserved words.
        var fields = new (string Attribute, string? Value)[]
        {
            ("name", restaurant.Name), ("timeZone", restaurant.TimeZone), ("currency", restaurant.Currency), ("updatedAt", Time(restaurant.UpdatedAt)),
            ("gsi2sk", NameKey(restaurant.Name, restaurant.Id)), ("nameFolded", AsciiLower(restaurant.Name)),
            ("description", restaurant.Description), ("address", restaurant.Address), ("phone", restaurant.Phone), ("country", restaurant.Country),
        };
        var names = new Dictionary<string, string>();
        var values = new Dictionary<string, AttributeValue>();
        var set = new List<string>();
        var remove = new List<string>();
        for (var i = 0; i < fields.Length; i++)
        {
            names["#a" + i] = fields[i].Attribute;
            if (fields[i].Value is { } value)
            {
                set.Add($"#a{i} = :a{i}");
                values[":a" + i] = S(value);
            }
            else
            {
                remove.Add("#a" + i);
            }
        }
        return await SucceedsAsync(() => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = ProfileKey(restaurant.Id),
            UpdateExpression = "SET " + string.Join(", ", set) + (remove.Count == 0 ? "" : " REMOVE " + string.Join(", ", remove)),
            ConditionExpression = "attribute_exists(pk)",
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
        }, cancellationToken));
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        // The profile decides; then the rest of the partition (members, invitations) goes. A crash in between leaves
        // members of a restaurant that no longer exists: they see nothing there (its records are deleted with it).
        if (!await SucceedsAsync(() => dynamo.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = Name, Key = ProfileKey(id), ConditionExpression = "attribute_exists(pk)",
        }, cancellationToken)))
            return false;
        var rest = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = S(Partition(id)) },
            ProjectionExpression = "pk, sk",
            ConsistentRead = true,
        }, int.MaxValue, CancellationToken.None);
        foreach (var chunk in rest.Chunk(25))
        {
            var request = new Dictionary<string, List<WriteRequest>>
            {
                [Name] = chunk.Select(k => new WriteRequest { DeleteRequest = new DeleteRequest { Key = k } }).ToList(),
            };
            for (var attempt = 0; request.Count > 0; attempt++)
            {
                if (attempt > 0)
                    await Task.Delay(TimeSpan.FromMilliseconds(20 << Math.Min(attempt, 6)), CancellationToken.None);
                var response = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = request }, CancellationToken.None);
                request = response.UnprocessedItems is { Count: > 0 } unprocessed ? unprocessed : [];
            }
        }
        return true;
    }

    public async Task<Membership?> FindMemberAsync(string restaurantId, string userId, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Name, Key = MemberKey(restaurantId, userId), ConsistentRead = true,
        }, cancellationToken);
        return response.Item is { Count: > 0 } item ? MemberFromItem(item) : null;
    }

    public async Task<IReadOnlyList<Membership>> ListStaffAsync(string restaurantId, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :member)",
            ExpressionAttributeValues = new() { [":pk"] = S(Partition(restaurantId)), [":member"] = S("MEMBER#") },
            ConsistentRead = true,
        }, int.MaxValue, cancellationToken);
        return items.Select(MemberFromItem).OrderBy(m => m.Since).ThenBy(m => m.UserId, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<Membership>> ListMembershipsAsync(string userId, CancellationToken cancellationToken)
    {
        // A GSI: eventually consistent (a membership just granted may take a moment to be listed; access itself is
        // decided by FindMemberAsync, which is consistent).
        var items = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            IndexName = "gsi1",
            KeyConditionExpression = "gsi1pk = :user",
            ExpressionAttributeValues = new() { [":user"] = S("USER#" + userId) },
        }, int.MaxValue, cancellationToken);
        return items.Select(MemberFromItem).ToList();
    }

    public Task<StaffWrite> SetRoleAsync(string restaurantId, string userId, string role, CancellationToken cancellationToken) =>
        ChangeMemberAsync(restaurantId, userId, role, cancellationToken);

    public Task<StaffWrite> RemoveMemberAsync(string restaurantId, string userId, CancellationToken cancellationToken) =>
        ChangeMemberAsync(restaurantId, userId, null, cancellationToken);

    /// <summary>
    /// A role change (or, with no role, a removal) that keeps an OWNER. The profile's <c>owners</c> counter is what
    /// refuses the last one: taking an OWNER away first decrements it, conditional on <c>owners &gt; 1</c> (of two
    /// racing demotions of the last two owners, one wins), then changes the member conditional on the role read (the
    /// decrement is given back if that fails); making an OWNER changes the member first and increments after. Both
    /// orders leave the count low, never high, for the moment between the writes: a crash there can refuse a demotion
    /// that was allowed, never leave a restaurant without an owner.
    /// </summary>
    private async Task<StaffWrite> ChangeMemberAsync(string restaurantId, string userId, string? role, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await FindMemberAsync(restaurantId, userId, cancellationToken) is not { } member)
                return StaffWrite.NotMember;
            if (member.Role == role)
                return StaffWrite.Done;
            var losesOwner = member.Role == StaffRoles.Owner;
            if (losesOwner && !await CountOwnersAsync(restaurantId, -1, cancellationToken))
                return StaffWrite.LastOwner;
            bool changed;
            try
            {
                changed = await SucceedsAsync(() => role is null
                    ? dynamo.DeleteItemAsync(new DeleteItemRequest
                    {
                        TableName = Name, Key = MemberKey(restaurantId, userId), ConditionExpression = "#r = :seen",
                        ExpressionAttributeNames = new() { ["#r"] = "role" }, ExpressionAttributeValues = new() { [":seen"] = S(member.Role) },
                    }, cancellationToken)
                    : dynamo.UpdateItemAsync(new UpdateItemRequest
                    {
                        TableName = Name, Key = MemberKey(restaurantId, userId), UpdateExpression = "SET #r = :role", ConditionExpression = "#r = :seen",
                        ExpressionAttributeNames = new() { ["#r"] = "role" },
                        ExpressionAttributeValues = new() { [":seen"] = S(member.Role), [":role"] = S(role) },
                    }, cancellationToken));
            }
            catch
            {
                if (losesOwner)
                    await CountOwnersAsync(restaurantId, +1, CancellationToken.None);
                throw;
            }
            if (!changed)
            {
                if (losesOwner)
                    await CountOwnersAsync(restaurantId, +1, CancellationToken.None);
                if (attempt + 1 >= Attempts)
                    throw new InvalidOperationException($"The member {userId} of {restaurantId} kept changing under {Attempts} attempts.");
                continue; // someone else changed this member meanwhile: decide again on what is there now
            }
            if (role == StaffRoles.Owner)
                await CountOwnersAsync(restaurantId, +1, CancellationToken.None);
            return StaffWrite.Done;
        }
    }

    /// <summary>Adds <paramref name="delta"/> to the restaurant's <c>owners</c>; a decrement only while another owner stays. False when refused.</summary>
    private Task<bool> CountOwnersAsync(string restaurantId, int delta, CancellationToken cancellationToken) =>
        SucceedsAsync(() => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = ProfileKey(restaurantId),
            UpdateExpression = "ADD owners :delta",
            ConditionExpression = delta < 0 ? "owners > :one" : "attribute_exists(pk)",
            ExpressionAttributeValues = delta < 0 ? new() { [":delta"] = N(delta), [":one"] = N(1) } : new() { [":delta"] = N(delta) },
        }, cancellationToken));

    /// <summary>
    /// The restaurant's invitations are one item per email (<c>INVITATION#{EMAIL}</c>), so "one pending per email" is the
    /// put's own condition. The cap is the profile's <c>pending</c> counter, which counts invitation items: expired ones
    /// are deleted here first (each delete that wins gives its count back), then <c>pending</c> is incremented
    /// conditional on <c>pending &lt; max</c>, then the invitation is put (the increment is given back if the put fails).
    /// Expired invitations carry no TTL for that reason: a sweep would not give the count back.
    /// </summary>
    public async Task<InvitationWrite> InviteAsync(Invitation invitation, int maxPending, DateTime now, CancellationToken cancellationToken)
    {
        var email = Normalize(invitation.Email);
        foreach (var existing in await InvitationItemsAsync(invitation.RestaurantId, cancellationToken))
        {
            var current = InvitationFromItem(existing);
            if (current.IsPending(now))
            {
                if (Normalize(current.Email) == email)
                    return InvitationWrite.AlreadyInvited;
                continue;
            }
            await DeleteInvitationAsync(current, "expiresAt <= :now", new() { [":now"] = T(now) }, cancellationToken);
        }
        if (!await CountPendingAsync(invitation.RestaurantId, +1, maxPending, cancellationToken))
            return InvitationWrite.TooMany;
        var put = false;
        try
        {
            put = await SucceedsAsync(() => dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = Name, Item = ToItem(invitation), ConditionExpression = "attribute_not_exists(pk)",
            }, cancellationToken));
        }
        finally
        {
            if (!put)
                await CountPendingAsync(invitation.RestaurantId, -1, 0, CancellationToken.None);
        }
        return put ? InvitationWrite.Done : InvitationWrite.AlreadyInvited; // the same email, invited meanwhile
    }

    public async Task<IReadOnlyList<Invitation>> ListInvitationsAsync(string restaurantId, DateTime now, CancellationToken cancellationToken) =>
        (await InvitationItemsAsync(restaurantId, cancellationToken)).Select(InvitationFromItem).Where(i => i.IsPending(now))
            .OrderBy(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();

    public async Task<Invitation?> FindInvitationAsync(string tokenHash, CancellationToken cancellationToken)
    {
        // The GSI finds the key (eventually consistent); the item itself is then read consistently, so a withdrawn or
        // spent invitation is never returned.
        var found = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            IndexName = "gsi1",
            KeyConditionExpression = "gsi1pk = :token",
            ExpressionAttributeValues = new() { [":token"] = S("TOKEN#" + tokenHash) },
            ProjectionExpression = "pk, sk",
        }, 1, cancellationToken);
        if (found.Count == 0)
            return null;
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Name, Key = found[0], ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item && item.StrOrNull("tokenHash") == tokenHash ? InvitationFromItem(item) : null;
    }

    public async Task<bool> WithdrawAsync(string restaurantId, string invitationId, CancellationToken cancellationToken)
    {
        var invitation = (await InvitationItemsAsync(restaurantId, cancellationToken)).Select(InvitationFromItem).FirstOrDefault(i => i.Id == invitationId);
        return invitation is not null && await DeleteInvitationAsync(invitation, null, null, cancellationToken);
    }

    /// <summary>
    /// The invitation's delete decides (conditional on its id and on not having expired: of two accepts, one wins);
    /// then the membership is put unless the person is a member already (who keeps their role). When the membership
    /// cannot be written the invitation is put back.
    /// </summary>
    public async Task<bool> AcceptAsync(Invitation invitation, string userId, DateTime now, CancellationToken cancellationToken)
    {
        if (!await SucceedsAsync(() => dynamo.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = Name,
            Key = InvitationKey(invitation.RestaurantId, invitation.Email),
            ConditionExpression = "id = :id AND expiresAt > :now",
            ExpressionAttributeValues = new() { [":id"] = S(invitation.Id), [":now"] = T(now) },
        }, cancellationToken)))
            return false;
        bool joined;
        try
        {
            joined = await SucceedsAsync(() => dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = Name,
                Item = ToItem(new Membership(invitation.RestaurantId, userId, invitation.Role, now)),
                ConditionExpression = "attribute_not_exists(pk)",
            }, cancellationToken));
        }
        catch
        {
            await dynamo.PutItemAsync(new PutItemRequest { TableName = Name, Item = ToItem(invitation), ConditionExpression = "attribute_not_exists(pk)" }, CancellationToken.None);
            throw;
        }
        if (joined && invitation.Role == StaffRoles.Owner)
            await CountOwnersAsync(invitation.RestaurantId, +1, CancellationToken.None);
        await CountPendingAsync(invitation.RestaurantId, -1, 0, CancellationToken.None);
        return true;
    }

    private async Task<List<Dictionary<string, AttributeValue>>> InvitationItemsAsync(string restaurantId, CancellationToken cancellationToken) =>
        await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :invitation)",
            ExpressionAttributeValues = new() { [":pk"] = S(Partition(restaurantId)), [":invitation"] = S("INVITATION#") },
            ConsistentRead = true,
        }, int.MaxValue, cancellationToken);

    /// <summary>Deletes this invitation (its id, and <paramref name="condition"/> when given) and gives its count back; false when it was not there.</summary>
    private async Task<bool> DeleteInvitationAsync(
        Invitation invitation, string? condition, Dictionary<string, AttributeValue>? values, CancellationToken cancellationToken)
    {
        values = new(values ?? []) { [":id"] = S(invitation.Id) };
        if (!await SucceedsAsync(() => dynamo.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = Name,
            Key = InvitationKey(invitation.RestaurantId, invitation.Email),
            ConditionExpression = condition is null ? "id = :id" : "id = :id AND " + condition,
            ExpressionAttributeValues = values,
        }, cancellationToken)))
            return false;
        await CountPendingAsync(invitation.RestaurantId, -1, 0, CancellationToken.None);
        return true;
    }

    /// <summary>Adds <paramref name="delta"/> to the restaurant's <c>pending</c>; an increment only below <paramref name="max"/> and while the restaurant exists.</summary>
    private Task<bool> CountPendingAsync(string restaurantId, int delta, int max, CancellationToken cancellationToken) =>
        SucceedsAsync(() => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = ProfileKey(restaurantId),
            UpdateExpression = "ADD pending :delta",
            ConditionExpression = delta > 0 ? "attribute_exists(pk) AND (attribute_not_exists(pending) OR pending < :max)" : "attribute_exists(pk)",
            ExpressionAttributeValues = delta > 0 ? new() { [":delta"] = N(delta), [":max"] = N(max) } : new() { [":delta"] = N(delta) },
        }, cancellationToken));

    private const string DirectoryPartition = "RESTAURANTS";

    private static string Partition(string restaurantId) => "RESTAURANT#" + restaurantId;

    internal static Dictionary<string, AttributeValue> ProfileKey(string id) => new() { ["pk"] = S(Partition(id)), ["sk"] = S("PROFILE") };

    private static Dictionary<string, AttributeValue> MemberKey(string restaurantId, string userId) =>
        new() { ["pk"] = S(Partition(restaurantId)), ["sk"] = S("MEMBER#" + userId) };

    private static Dictionary<string, AttributeValue> InvitationKey(string restaurantId, string email) =>
        new() { ["pk"] = S(Partition(restaurantId)), ["sk"] = S("INVITATION#" + Normalize(email)) };

    private static string Normalize(string email) => email.Trim().ToUpperInvariant();

    /// <summary>The directory's sort key: the A–Z-lower-cased name, then the id, apart by U+0001, as the users' (DynamoUserStore).</summary>
    private static string NameKey(string name, string id) => AsciiLower(name) + "\u0001" + id;

    /// <summary>Lower-cases A–Z only, as SQLite's <c>lower()</c> does, so both homes match the same names.</summary>
    private static string AsciiLower(string text) => string.Create(text.Length, text, (chars, t) =>
    {
        for (var i = 0; i < t.Length; i++)
            chars[i] = t[i] is >= 'A' and <= 'Z' ? (char)(t[i] + 32) : t[i];
    });

    /// <summary>The profile item without its counters (<see cref="CreateAsync"/> adds them).</summary>
    internal static Dictionary<string, AttributeValue> ToItem(Restaurant r)
    {
        var item = ProfileKey(r.Id);
        item["gsi2pk"] = S(DirectoryPartition);
        item["gsi2sk"] = S(NameKey(r.Name, r.Id));
        item["nameFolded"] = S(AsciiLower(r.Name));
        item["v"] = N(Version);
        item["id"] = S(r.Id);
        item["name"] = S(r.Name);
        item["timeZone"] = S(r.TimeZone);
        item["currency"] = S(r.Currency);
        item["createdAt"] = T(r.CreatedAt);
        item["updatedAt"] = T(r.UpdatedAt);
        item.Set("description", r.Description);
        item.Set("address", r.Address);
        item.Set("phone", r.Phone);
        item.Set("country", r.Country);
        return item;
    }

    private static Restaurant FromItem(Dictionary<string, AttributeValue> i) => new(
        i.Str("id"), i.Str("name"), i.StrOrNull("description"), i.StrOrNull("address"), i.StrOrNull("phone"), i.Str("timeZone"), i.Str("currency"),
        i.StrOrNull("country"), i.Time("createdAt"), i.Time("updatedAt"));

    internal static Dictionary<string, AttributeValue> ToItem(Membership m)
    {
        var item = MemberKey(m.RestaurantId, m.UserId);
        item["gsi1pk"] = S("USER#" + m.UserId);
        item["gsi1sk"] = S(Partition(m.RestaurantId));
        item["restaurantId"] = S(m.RestaurantId);
        item["userId"] = S(m.UserId);
        item["role"] = S(m.Role);
        item["since"] = T(m.Since);
        return item;
    }

    private static Membership MemberFromItem(Dictionary<string, AttributeValue> i) => new(i.Str("restaurantId"), i.Str("userId"), i.Str("role"), i.Time("since"));

    private static Dictionary<string, AttributeValue> ToItem(Invitation n)
    {
        var item = InvitationKey(n.RestaurantId, n.Email);
        item["gsi1pk"] = S("TOKEN#" + n.TokenHash);
        item["gsi1sk"] = S("INVITATION");
        item["id"] = S(n.Id);
        item["restaurantId"] = S(n.RestaurantId);
        item["email"] = S(n.Email);
        item["role"] = S(n.Role);
        item["tokenHash"] = S(n.TokenHash);
        item["invitedBy"] = S(n.InvitedBy);
        item["createdAt"] = T(n.CreatedAt);
        item["expiresAt"] = T(n.ExpiresAt);
        return item;
    }

    private static Invitation InvitationFromItem(Dictionary<string, AttributeValue> i) => new(
        i.Str("id"), i.Str("restaurantId"), i.Str("email"), i.Str("role"), i.Str("tokenHash"), i.Str("invitedBy"), i.Time("createdAt"), i.Time("expiresAt"));
}
