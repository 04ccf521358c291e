using Amazon.DynamoDBv2;
using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Storage.Aws;

/// <summary>The tables of the DynamoDB home, one per module, named <c>{TablePrefix}{module}</c>. Keys and queries: docs/dynamodb.md.</summary>
public sealed class DynamoTables(IOptions<TavoloOptions> options)
{
    private readonly string _prefix = options.Value.DynamoDb.TablePrefix;

    /// <summary>Users, email claims, sessions and refresh tokens: <c>pk</c>/<c>sk</c>, GSIs <c>gsi1</c> (users by id), <c>gsi2</c> (by role, then name).</summary>
    public DynamoTable Auth => new(_prefix + "auth", "pk", "sk", ("gsi1", "gsi1pk", "gsi1sk"), ("gsi2", "gsi2pk", "gsi2sk"));

    /// <summary>Waitlists, waitees, notifications and seat history: <c>pk</c>/<c>sk</c>, GSIs <c>gsi1</c>–<c>gsi3</c>.</summary>
    public DynamoTable Waitlists => new(_prefix + "waitlists", "pk", "sk", ("gsi1", "gsi1pk", "gsi1sk"), ("gsi2", "gsi2pk", "gsi2sk"), ("gsi3", "gsi3pk", "gsi3sk"));

    public DynamoTable Orders => DynamoOrderStore.Table(_prefix);

    public DynamoTable Idempotency => DynamoIdempotencyStore.Table(_prefix);

    /// <summary>Menus: one partition per restaurant (<c>pk</c> = <c>MENU#{restaurantId}</c>), so one Query reads a menu.</summary>
    public DynamoTable Menus => DynamoMenuStore.Table(_prefix);

    /// <summary>Restaurants, their members and invitations: one partition per restaurant; <c>gsi1</c> (memberships by user, invitations by token hash), <c>gsi2</c> (the directory).</summary>
    public DynamoTable Restaurants => DynamoRestaurantStore.Table(_prefix);

    public IEnumerable<DynamoTable> All => [Auth, Waitlists, Orders, Idempotency, Menus, Restaurants];

    public async Task CreateIfMissingAsync(IAmazonDynamoDB dynamo, CancellationToken cancellationToken)
    {
        foreach (var table in All)
            await table.CreateIfMissingAsync(dynamo, cancellationToken);
    }
}
