using Microsoft.Data.Sqlite;
using Tavolo.PromoCodes;

namespace Tavolo.Storage.Sqlite;

public sealed class SqlitePromoCodeStore(SqliteDatabase database) : IPromoCodeStore
{
    public Task<bool> CreateAsync(PromoCode code, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync(
                $"""
                INSERT INTO promo_codes ({PromoCodeSql.Columns})
                VALUES ($code, $owner, $creator, $restaurant, $discount, $expires, $description, $max, $redemptions, $created, $updated)
                ON CONFLICT (code) DO NOTHING;
                """, cancellationToken, Parameters(code)) == 1, cancellationToken);

    public async Task<PromoCode?> FindAsync(string code, string? visibleTo, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(
            $"SELECT {PromoCodeSql.Columns} FROM promo_codes WHERE code = $code AND ($caller IS NULL OR created_by = $caller OR owner_id = $caller);",
            Read, cancellationToken, ("$code", code), ("$caller", visibleTo));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<PromoCode>> ListAsync(
        PromoCodeFilter filter, PromoPosition? after, int limit, DateTime now, CancellationToken cancellationToken)
    {
        var (sql, parameters) = PromoCodeSql.List(filter, after, limit, now, t => Sql.Time(t), "instr({0}, {1}) > 0");
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(sql, Read, cancellationToken, [.. parameters]);
    }

    public Task<bool> UpdateAsync(PromoCode code, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync(
                """
                UPDATE promo_codes SET owner_id = $owner, discount_percentage = $discount, expires_at = $expires,
                    description = $description, max_redemptions = $max, updated_at = $updated
                WHERE code = $code AND ($max IS NULL OR redemptions <= $max);
                """, cancellationToken, Parameters(code)) == 1, cancellationToken);

    public Task<bool> DeleteAsync(string code, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
            await connection.ExecuteAsync("DELETE FROM promo_codes WHERE code = $code;", cancellationToken, ("$code", code)) == 1, cancellationToken);

    public Task<Redemption> RedeemAsync(string code, string userId, string orderId, string restaurantId, DateTime now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            // One write: the check and the count run together on the writer, so concurrent orders cannot both take the last one.
            if (await FindAsync(connection, code, cancellationToken) is not { } promo)
                return Redemption.Refused(PromoReason.NotFound);
            var already = await connection.ScalarAsync(
                "SELECT 1 FROM promo_redemptions WHERE code = $code AND order_id = $order;", cancellationToken, ("$code", code), ("$order", orderId));
            if (already is not null)
                return new Redemption(promo.DiscountPercentage, null);
            if (promo.RefusalFor(userId, restaurantId, now) is { } refusal)
                return Redemption.Refused(refusal);
            await connection.ExecuteAsync("UPDATE promo_codes SET redemptions = redemptions + 1 WHERE code = $code;", cancellationToken, ("$code", code));
            await connection.ExecuteAsync(
                "INSERT INTO promo_redemptions (code, order_id, user_id, redeemed_at) VALUES ($code, $order, $user, $at);", cancellationToken,
                ("$code", code), ("$order", orderId), ("$user", userId), ("$at", Sql.Time(now)));
            return new Redemption(promo.DiscountPercentage, null, Counted: true);
        }, cancellationToken);

    public Task ReleaseAsync(string code, string orderId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, cancellationToken) =>
        {
            if (await connection.ExecuteAsync("DELETE FROM promo_redemptions WHERE code = $code AND order_id = $order;", cancellationToken,
                    ("$code", code), ("$order", orderId)) == 1)
            {
                await connection.ExecuteAsync("UPDATE promo_codes SET redemptions = redemptions - 1 WHERE code = $code;", cancellationToken, ("$code", code));
            }
        }, cancellationToken);

    private static async Task<PromoCode?> FindAsync(SqliteConnection connection, string code, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync(
            $"SELECT {PromoCodeSql.Columns} FROM promo_codes WHERE code = $code;", Read, cancellationToken, ("$code", code));
        return rows.Count == 0 ? null : rows[0];
    }

    private static (string, object?)[] Parameters(PromoCode c) =>
    [
        ("$code", c.Code), ("$owner", c.OwnerId), ("$creator", c.CreatedBy), ("$restaurant", c.RestaurantId), ("$discount", c.DiscountPercentage),
        ("$expires", Sql.Time(c.ExpiresAt)), ("$description", c.Description), ("$max", c.MaxRedemptions),
        ("$redemptions", c.Redemptions), ("$created", Sql.Time(c.CreatedAt)), ("$updated", Sql.Time(c.UpdatedAt)),
    ];

    private static PromoCode Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetStringOrNull(3), r.GetInt32(4), r.GetTime(5), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetInt32(7), r.GetInt32(8), r.GetTime(9), r.GetTime(10));
}
