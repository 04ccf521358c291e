using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tavolo.Auth;
using static Tavolo.Storage.Aws.Dynamo;

namespace Tavolo.Storage.Aws;

/// <summary>
/// Sessions (<c>SESSION#{id}</c>, listed per user through GSI <c>gsi1</c> = <c>SESSIONS#{userId}</c>, newest first) and
/// refresh-token hashes (<c>REFRESH#{hash}</c>), both with a TTL a week past their expiry. Rotation spends the old hash
/// with a conditional write, the step that decides which of two racing refreshes wins.
/// </summary>
public sealed class DynamoSessionStore(IAmazonDynamoDB dynamo, DynamoTables tables) : ISessionStore
{
    private static readonly TimeSpan Keep = TimeSpan.FromDays(7); // spent tokens stay a while for reuse detection

    private string Name => tables.Auth.Name;

    public async Task CreateAsync(Session session, string refreshTokenHash, CancellationToken cancellationToken)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = S("SESSION#" + session.Id), ["sk"] = S("SESSION"),
            ["gsi1pk"] = S("SESSIONS#" + session.UserId), ["gsi1sk"] = S(Time(session.CreatedAt) + "#" + session.Id),
            ["id"] = S(session.Id), ["userId"] = S(session.UserId), ["createdAt"] = T(session.CreatedAt), ["lastUsedAt"] = T(session.LastUsedAt),
            ["expiresAt"] = T(session.ExpiresAt), ["ttl"] = Ttl(session.ExpiresAt + Keep),
        };
        item.Set("revokedAt", session.RevokedAt);
        item.Set("userAgent", session.UserAgent);
        await dynamo.PutItemAsync(new PutItemRequest { TableName = Name, Item = item }, cancellationToken);
        await PutTokenAsync(refreshTokenHash, session.Id, session.ExpiresAt, cancellationToken);
    }

    public async Task<Session?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Name, Key = SessionKey(sessionId), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    public async Task<RefreshTokenRecord?> FindRefreshTokenAsync(string refreshTokenHash, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Name, Key = TokenKey(refreshTokenHash), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 } item ? new RefreshTokenRecord(item.Str("sessionId"), item.TimeOrNull("spentAt")) : null;
    }

    public async Task<bool> RotateAsync(string sessionId, string oldHash, string newHash, DateTime now, DateTime expiresAt, CancellationToken cancellationToken)
    {
        if (await FindAsync(sessionId, cancellationToken) is not { } session || !session.IsLive(now))
            return false;
        // Spending the old hash decides which of two racing refreshes wins.
        if (!await SucceedsAsync(() => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = TokenKey(oldHash),
            UpdateExpression = "SET spentAt = :now",
            ConditionExpression = "sessionId = :session AND attribute_not_exists(spentAt)",
            ExpressionAttributeValues = new() { [":now"] = T(now), [":session"] = S(sessionId) },
        }, cancellationToken)))
            return false;
        await PutTokenAsync(newHash, sessionId, expiresAt, cancellationToken);
        // False when the session was revoked while rotating.
        return await SucceedsAsync(() => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = SessionKey(sessionId),
            UpdateExpression = "SET lastUsedAt = :now, expiresAt = :expires, #ttl = :ttl",
            ConditionExpression = "attribute_not_exists(revokedAt)",
            ExpressionAttributeNames = new() { ["#ttl"] = "ttl" },
            ExpressionAttributeValues = new() { [":now"] = T(now), [":expires"] = T(expiresAt), [":ttl"] = Ttl(expiresAt + Keep) },
        }, cancellationToken));
    }

    public async Task<bool> RevokeAsync(string sessionId, string userId, DateTime now, CancellationToken cancellationToken)
    {
        return await SucceedsAsync(() => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Name,
            Key = SessionKey(sessionId),
            UpdateExpression = "SET revokedAt = if_not_exists(revokedAt, :now)",
            ConditionExpression = "userId = :user",
            ExpressionAttributeValues = new() { [":now"] = T(now), [":user"] = S(userId) },
        }, cancellationToken));
    }

    public async Task RevokeAllAsync(string userId, string? exceptSessionId, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var session in await ListAsync(userId, cancellationToken))
        {
            if (session.RevokedAt is null && session.Id != exceptSessionId)
                await RevokeAsync(session.Id, userId, now, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<Session>> ListLiveAsync(string userId, DateTime now, CancellationToken cancellationToken) =>
        (await ListAsync(userId, cancellationToken)).Where(s => s.IsLive(now)).ToList();

    public async Task<bool> IsLiveAsync(string sessionId, string userId, DateTime now, CancellationToken cancellationToken) =>
        await FindAsync(sessionId, cancellationToken) is { } session && session.UserId == userId && session.IsLive(now);

    /// <summary>All of a user's sessions, newest first (a user has few; expired ones leave with the TTL).</summary>
    private async Task<List<Session>> ListAsync(string userId, CancellationToken cancellationToken) =>
        (await dynamo.QueryAsync(new QueryRequest
        {
            TableName = Name,
            IndexName = "gsi1",
            KeyConditionExpression = "gsi1pk = :user",
            ExpressionAttributeValues = new() { [":user"] = S("SESSIONS#" + userId) },
            ScanIndexForward = false,
        }, 1000, cancellationToken)).Select(FromItem).ToList();

    private async Task PutTokenAsync(string hash, string sessionId, DateTime expiresAt, CancellationToken cancellationToken) =>
        await dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = Name,
            Item = new() { ["pk"] = S("REFRESH#" + hash), ["sk"] = S("REFRESH"), ["sessionId"] = S(sessionId), ["ttl"] = Ttl(expiresAt + Keep) },
        }, cancellationToken);

    private static Dictionary<string, AttributeValue> SessionKey(string id) => new() { ["pk"] = S("SESSION#" + id), ["sk"] = S("SESSION") };

    private static Dictionary<string, AttributeValue> TokenKey(string hash) => new() { ["pk"] = S("REFRESH#" + hash), ["sk"] = S("REFRESH") };

    private static Session FromItem(Dictionary<string, AttributeValue> i) => new(
        i.Str("id"), i.Str("userId"), i.Time("createdAt"), i.Time("lastUsedAt"), i.Time("expiresAt"), i.TimeOrNull("revokedAt"), i.StrOrNull("userAgent"));
}
