using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tavolo.Users;
using static Tavolo.Storage.Aws.Dynamo;

namespace Tavolo.Storage.Aws;

/// <summary>
/// Users in the auth table: <c>USER#{id}</c>, plus one <c>EMAIL#{email}</c> claim item per address that makes emails
/// unique without a transaction (claim first, then the user; undo the claim if the user write fails). The admin's
/// list reads GSI <c>gsi1</c> (partition <c>USERS</c>, sorted by id).
/// </summary>
public sealed class DynamoUserStore(IAmazonDynamoDB dynamo, DynamoTables tables) : IUserStore
{
    private string Name => tables.Auth.Name;

    public async Task<UserWrite> CreateAsync(User user, CancellationToken cancellationToken)
    {
        if (!await ClaimEmailAsync(user.Email, user.Id, cancellationToken))
            return UserWrite.EmailTaken;
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest { TableName = Name, Item = ToItem(user), ConditionExpression = "attribute_not_exists(pk)" }, cancellationToken);
            return UserWrite.Done;
        }
        catch (Exception e)
        {
            await ReleaseEmailAsync(user.Email, user.Id, CancellationToken.None);
            if (e is ConditionalCheckFailedException)
                return UserWrite.Conflict;
            throw;
        }
    }

    public async Task<User?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Name, Key = UserKey(id), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    public async Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var claim = await dynamo.GetItemAsync(new GetItemRequest { TableName = Name, Key = EmailKey(email), ConsistentRead = true }, cancellationToken);
        return claim.Item is { Count: > 0 } item && await FindAsync(item.Str("userId"), cancellationToken) is { } user
            && Normalize(user.Email) == Normalize(email) ? user : null;
    }

    public async Task<IReadOnlyList<User>> ListAsync(string? role, string? afterId, int limit, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":users"] = S("USERS") };
        var condition = "gsi1pk = :users";
        if (afterId is not null) { condition += " AND gsi1sk > :after"; values[":after"] = S(afterId); }
        if (role is not null) values[":role"] = S(role);
        var items = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            IndexName = "gsi1",
            KeyConditionExpression = condition,
            FilterExpression = role is null ? null : "#r = :role",
            ExpressionAttributeNames = role is null ? null : new() { ["#r"] = "role" },
            ExpressionAttributeValues = values,
        }, limit, cancellationToken);
        return items.Select(FromItem).ToList();
    }

    public async Task<IReadOnlyList<User>> ListByNameAsync(
        string role, string? nameContains, (string Name, string Id)? after, int limit, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":role"] = S("ROLE#" + role) };
        var condition = "gsi2pk = :role";
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

    public async Task<UserWrite> UpdateAsync(User user, DateTime expectedUpdatedAt, CancellationToken cancellationToken)
    {
        if (await FindAsync(user.Id, cancellationToken) is not { } current)
            return UserWrite.NotFound;
        var emailChanged = Normalize(current.Email) != Normalize(user.Email);
        if (emailChanged && !await ClaimEmailAsync(user.Email, user.Id, cancellationToken))
            return UserWrite.EmailTaken;
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = Name,
                Item = ToItem(user),
                ConditionExpression = "updatedAt = :expected",
                ExpressionAttributeValues = new() { [":expected"] = T(expectedUpdatedAt) },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            if (emailChanged)
                await ReleaseEmailAsync(user.Email, user.Id, CancellationToken.None);
            return await FindAsync(user.Id, cancellationToken) is null ? UserWrite.NotFound : UserWrite.Conflict;
        }
        if (emailChanged)
            await ReleaseEmailAsync(current.Email, user.Id, CancellationToken.None);
        return UserWrite.Done;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var deleted = await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Name, Key = UserKey(id), ReturnValues = ReturnValue.ALL_OLD }, cancellationToken);
        if (deleted.Attributes is not { Count: > 0 } old)
            return false;
        await ReleaseEmailAsync(old.Str("email"), id, CancellationToken.None);
        return true;
    }

    public async Task<bool> AnyWithRoleAsync(string role, CancellationToken cancellationToken) =>
        (await ListAsync(role, null, 1, cancellationToken)).Count > 0;

    /// <summary>Claims an address for a user: a conditional put that only one user can win (re-claiming your own is fine).</summary>
    private async Task<bool> ClaimEmailAsync(string email, string userId, CancellationToken cancellationToken)
    {
        return await SucceedsAsync(() => dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = Name,
            Item = new() { ["pk"] = S("EMAIL#" + Normalize(email)), ["sk"] = S("EMAIL"), ["userId"] = S(userId) },
            ConditionExpression = "attribute_not_exists(pk) OR userId = :user",
            ExpressionAttributeValues = new() { [":user"] = S(userId) },
        }, cancellationToken));
    }

    private async Task ReleaseEmailAsync(string email, string userId, CancellationToken cancellationToken)
    {
        // When the condition fails: claimed by someone else meanwhile: theirs now.
        await SucceedsAsync(() => dynamo.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = Name,
            Key = EmailKey(email),
            ConditionExpression = "userId = :user",
            ExpressionAttributeValues = new() { [":user"] = S(userId) },
        }, cancellationToken));
    }

    private static Dictionary<string, AttributeValue> UserKey(string id) => new() { ["pk"] = S("USER#" + id), ["sk"] = S("USER") };

    private static Dictionary<string, AttributeValue> EmailKey(string email) => new() { ["pk"] = S("EMAIL#" + Normalize(email)), ["sk"] = S("EMAIL") };

    private static string Normalize(string email) => email.Trim().ToUpperInvariant();

    /// <summary>
    /// The directory's sort key: the A–Z-lower-cased name, then the id, apart by U+0001 (below any printable character),
    /// so string order is (lower(name), id) order as in SQLite.
    /// </summary>
    private static string NameKey(string name, string id) => AsciiLower(name) + "\u0001" + id;

    /// <summary>Lower-cases A–Z only, as SQLite's <c>lower()</c> does, so both homes match the same names.</summary>
    private static string AsciiLower(string text) => string.Create(text.Length, text, (chars, t) =>
    {
        for (var i = 0; i < t.Length; i++)
            chars[i] = t[i] is >= 'A' and <= 'Z' ? (char)(t[i] + 32) : t[i];
    });

    // v2: gsi2 (users by role, then name) and nameFolded for the restaurant directory.
    private static Dictionary<string, AttributeValue> ToItem(User u) => new()
    {
        ["pk"] = S("USER#" + u.Id), ["sk"] = S("USER"), ["gsi1pk"] = S("USERS"), ["gsi1sk"] = S(u.Id),
        ["gsi2pk"] = S("ROLE#" + u.Role), ["gsi2sk"] = S(NameKey(u.Name, u.Id)), ["nameFolded"] = S(AsciiLower(u.Name)), ["v"] = N(2),
        ["id"] = S(u.Id), ["email"] = S(u.Email), ["name"] = S(u.Name), ["role"] = S(u.Role), ["passwordHash"] = S(u.PasswordHash),
        ["createdAt"] = T(u.CreatedAt), ["updatedAt"] = T(u.UpdatedAt),
    };

    private static User FromItem(Dictionary<string, AttributeValue> i) =>
        new(i.Str("id"), i.Str("email"), i.Str("name"), i.Str("role"), i.Str("passwordHash"), i.Time("createdAt"), i.Time("updatedAt"));
}
