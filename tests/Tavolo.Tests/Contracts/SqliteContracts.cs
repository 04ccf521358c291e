using Microsoft.Extensions.Options;
using Tavolo.Auth;
using Tavolo.Idempotency;
using Tavolo.Platform;
using Tavolo.Storage.Sqlite;
using Tavolo.Users;

namespace Tavolo.Tests.Contracts;

/// <summary>A fresh, migrated SQLite file per test class.</summary>
public sealed class SqliteFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tavolo-contract-").FullName;

    public SqliteDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new TavoloOptions();
        options.Sqlite.Path = Path.Combine(_directory, "contract.db");
        Database = new SqliteDatabase(Options.Create(options));
        await Database.MigrateAsync();
        await Database.MigrateAsync(); // idempotent
    }

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync(); // closes its connections
        Directory.Delete(_directory, recursive: true);
    }
}

public sealed class SqliteUserStoreTests(SqliteFixture sqlite) : UserStoreContract, IClassFixture<SqliteFixture>
{
    protected override IUserStore Store { get; } = new SqliteUserStore(sqlite.Database, TimeProvider.System);
}

public sealed class SqliteSessionStoreTests(SqliteFixture sqlite) : SessionStoreContract, IClassFixture<SqliteFixture>
{
    protected override ISessionStore Store { get; } = new SqliteSessionStore(sqlite.Database);
}

public sealed class SqliteNotificationQueueTests : NotificationQueueContract, IAsyncLifetime
{
    private readonly SqliteFixture _sqlite = new();

    public Task InitializeAsync() => _sqlite.InitializeAsync();

    public Task DisposeAsync() => _sqlite.DisposeAsync();

    protected override Task<Tavolo.Waitlists.Notifications.INotificationQueue> NewQueueAsync(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock) =>
        Task.FromResult<Tavolo.Waitlists.Notifications.INotificationQueue>(new SqliteNotificationQueue(_sqlite.Database, clock));
}

public sealed class SqliteOrderStoreTests(SqliteFixture sqlite) : OrderStoreContract, IClassFixture<SqliteFixture>
{
    protected override Tavolo.Orders.IOrderStore Store { get; } = new SqliteOrderStore(sqlite.Database, TimeProvider.System);
}

public sealed class SqliteMenuStoreTests(SqliteFixture sqlite) : MenuStoreContract, IClassFixture<SqliteFixture>
{
    protected override Tavolo.Restaurants.IMenuStore Store { get; } = new SqliteMenuStore(sqlite.Database, TimeProvider.System);
}

public sealed class SqliteRestaurantStoreTests(SqliteFixture sqlite) : RestaurantStoreContract, IClassFixture<SqliteFixture>
{
    protected override Tavolo.Restaurants.IRestaurantStore Store { get; } = new SqliteRestaurantStore(sqlite.Database, TimeProvider.System);
}

public sealed class SqliteIdempotencyStoreTests(SqliteFixture sqlite) : IdempotencyStoreContract, IClassFixture<SqliteFixture>
{
    protected override IIdempotencyStore Store { get; } = new SqliteIdempotencyStore(sqlite.Database, TimeProvider.System);
}

public sealed class SqlitePromoCodeStoreTests(SqliteFixture sqlite) : PromoCodeStoreContract, IClassFixture<SqliteFixture>
{
    protected override Tavolo.PromoCodes.IPromoCodeStore Store { get; } = new SqlitePromoCodeStore(sqlite.Database);
}

public sealed class SqliteWaitlistStoreTests(SqliteFixture sqlite) : WaitlistStoreContract<SqliteWaitlistStore>, IClassFixture<SqliteFixture>
{
    protected override SqliteWaitlistStore Store { get; } = new(sqlite.Database);
}
