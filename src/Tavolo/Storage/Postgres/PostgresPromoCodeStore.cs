using Npgsql;
using Tavolo.PromoCodes;

namespace Tavolo.Storage.Postgres;

public sealed class PostgresPromoCodeStore(PostgresDatabase database) : IPromoCodeStore
{
    public async Task<bool> CreateAsync(PromoCode code, CancellationToken cancellationToken)
    {
        await using var command = Command(
            $"""
            INSERT INTO promo_codes ({PromoCodeSql.Columns})
            VALUES (@code, @owner, @creator, @restaurant, @discount, @expires, @description, @max, @redemptions, @created, @updated)
            ON CONFLICT (code) DO NOTHING;
            """, Parameters(code));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<PromoCode?> FindAsync(string code, string? visibleTo, CancellationToken cancellationToken)
    {
        await using var command = Command(
            $"SELECT {PromoCodeSql.Columns} FROM promo_codes WHERE code = @code AND (@caller::text IS NULL OR created_by = @caller::text OR owner_id = @caller::text);",
            ("@code", code), ("@caller", visibleTo));
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<PromoCode>> ListAsync(PromoCodeFilter filter, PromoPosition? after, int limit, DateTime now, CancellationToken cancellationToken)
    {
        var (sql, parameters) = PromoCodeSql.List(filter, after, limit, now, t => DateTime.SpecifyKind(t, DateTimeKind.Utc), "strpos({0}, {1}) > 0");
        await using var command = Command(sql, [.. parameters]);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<bool> UpdateAsync(PromoCode code, CancellationToken cancellationToken)
    {
        await using var command = Command(
            """
            UPDATE promo_codes SET owner_id = @owner, discount_percentage = @discount, expires_at = @expires,
                description = @description, max_redemptions = @max, updated_at = @updated
            WHERE code = @code AND (@max::integer IS NULL OR redemptions <= @max::integer);
            """, Parameters(code));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> DeleteAsync(string code, CancellationToken cancellationToken)
    {
        await using var command = Command("DELETE FROM promo_codes WHERE code = @code;", ("@code", code));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<Redemption> RedeemAsync(string code, string userId, string orderId, string restaurantId, DateTime now, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // FOR UPDATE: concurrent redemptions of one code queue on its row, so the check and the count are one step.
        await using var find = new NpgsqlCommand($"SELECT {PromoCodeSql.Columns} FROM promo_codes WHERE code = @code FOR UPDATE;", connection, transaction);
        find.Parameters.AddWithValue("code", code);
        if ((await ReadAllAsync(find, cancellationToken)).FirstOrDefault() is not { } promo)
            return Redemption.Refused(PromoReason.NotFound);
        await using var already = new NpgsqlCommand("SELECT 1 FROM promo_redemptions WHERE code = @code AND order_id = @order;", connection, transaction);
        already.Parameters.AddWithValue("code", code);
        already.Parameters.AddWithValue("order", orderId);
        if (await already.ExecuteScalarAsync(cancellationToken) is not null)
            return new Redemption(promo.DiscountPercentage, null);
        if (promo.RefusalFor(userId, restaurantId, now) is { } refusal)
            return Redemption.Refused(refusal);
        await using var count = new NpgsqlCommand(
            """
            UPDATE promo_codes SET redemptions = redemptions + 1 WHERE code = @code;
            INSERT INTO promo_redemptions (code, order_id, user_id, redeemed_at) VALUES (@code, @order, @user, @at);
            """, connection, transaction);
        count.Parameters.AddWithValue("code", code);
        count.Parameters.AddWithValue("order", orderId);
        count.Parameters.AddWithValue("user", userId);
        count.Parameters.AddWithValue("at", DateTime.SpecifyKind(now, DateTimeKind.Utc));
        await count.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new Redemption(promo.DiscountPercentage, null, Counted: true);
    }

    public async Task ReleaseAsync(string code, string orderId, CancellationToken cancellationToken)
    {
        // One statement: the delete and the count change commit together.
        await using var command = Command(
            """
            WITH released AS (DELETE FROM promo_redemptions WHERE code = @code AND order_id = @order RETURNING code)
            UPDATE promo_codes SET redemptions = redemptions - 1 WHERE code IN (SELECT code FROM released);
            """, ("@code", code), ("@order", orderId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private NpgsqlCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = database.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name.TrimStart('@'), value ?? DBNull.Value);
        return command;
    }

    private static async Task<List<PromoCode>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<PromoCode>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PromoCode(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4),
                reader.GetDateTime(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.GetInt32(8), reader.GetDateTime(9),
                reader.GetDateTime(10)));
        }
        return rows;
    }

    private static (string, object?)[] Parameters(PromoCode c) =>
    [
        ("@code", c.Code), ("@owner", c.OwnerId), ("@creator", c.CreatedBy), ("@restaurant", c.RestaurantId), ("@discount", c.DiscountPercentage),
        ("@expires", Utc(c.ExpiresAt)), ("@description", c.Description), ("@max", c.MaxRedemptions),
        ("@redemptions", c.Redemptions), ("@created", Utc(c.CreatedAt)), ("@updated", Utc(c.UpdatedAt)),
    ];

    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc);
}
