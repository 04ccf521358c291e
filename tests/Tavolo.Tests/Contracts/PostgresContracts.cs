using Microsoft.Extensions.Options;
using Tavolo.Platform;
using Tavolo.Storage.Postgres;

namespace Tavolo.Tests.Contracts;

/// <summary>A fresh, migrated database on the throwaway PostgreSQL cluster per test class.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new TavoloOptions();
        options.PromoCodes.ConnectionString = await Emulators.NewPostgresDatabaseAsync();
        Database = new PostgresDatabase(Options.Create(options));
        await Database.MigrateAsync();
        await Database.MigrateAsync(); // idempotent
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();
}

public sealed class PostgresPromoCodeStoreTests(PostgresFixture postgres) : PromoCodeStoreContract, IClassFixture<PostgresFixture>
{
    protected override Tavolo.PromoCodes.IPromoCodeStore Store { get; } = new PostgresPromoCodeStore(postgres.Database);
}
