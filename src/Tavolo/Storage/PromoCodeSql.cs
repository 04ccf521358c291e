using System.Text;
using Tavolo.PromoCodes;

namespace Tavolo.Storage;

/// <summary>
/// The back-office list query, shared by the SQLite and PostgreSQL adapters: only the conditions in use (so the
/// planner can pick the index for the sort), keyset paging on (sort column, code), always parameterised.
/// </summary>
public static class PromoCodeSql
{
    public const string Columns =
        "code, owner_id, created_by, restaurant_id, discount_percentage, expires_at, description, max_redemptions, redemptions, created_at, updated_at";

    /// <param name="time">How this database takes a timestamp parameter.</param>
    /// <param name="contains">The dialect's "text contains" over lower-cased operands, e.g. <c>instr({0}, {1}) &gt; 0</c>.</param>
    public static (string Sql, List<(string Name, object? Value)> Parameters) List(
        PromoCodeFilter filter, PromoPosition? after, int limit, DateTime now, Func<DateTime, object> time, string contains)
    {
        var where = new List<string>();
        var parameters = new List<(string Name, object? Value)>();
        void Add(string condition, params (string Name, object? Value)[] values)
        {
            where.Add(condition);
            parameters.AddRange(values);
        }

        if (filter.VisibleOwnerId is { } visibleOwner)
        {
            // A non-admin sees the codes it may use, and those of the restaurants whose codes it manages.
            var restaurants = filter.VisibleRestaurantIds ?? [];
            var names = restaurants.Select((_, i) => "@visibleRestaurant" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Add(names.Count == 0 ? "owner_id = @visibleOwnerId" : $"(owner_id = @visibleOwnerId OR restaurant_id IN ({string.Join(", ", names)}))",
                [("@visibleOwnerId", visibleOwner), .. names.Zip(restaurants, (name, id) => (name, (object?)id))]);
        }
        if (filter.OwnerId is { } owner) Add("owner_id = @ownerId", ("@ownerId", owner));
        if (filter.CreatedBy is { } creator) Add("created_by = @createdBy", ("@createdBy", creator));
        if (filter.RestaurantId is { } restaurant) Add("restaurant_id = @restaurantId", ("@restaurantId", restaurant));
        if (filter.MinDiscount is { } min) Add("discount_percentage >= @minDiscount", ("@minDiscount", min));
        if (filter.MaxDiscount is { } max) Add("discount_percentage <= @maxDiscount", ("@maxDiscount", max));
        if (filter.ExpiresAfter is { } expiresAfter) Add("expires_at > @expiresAfter", ("@expiresAfter", time(expiresAfter)));
        if (filter.ExpiresBefore is { } expiresBefore) Add("expires_at < @expiresBefore", ("@expiresBefore", time(expiresBefore)));
        if (filter.Query is { } q) Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, contains, "lower(description)", "lower(@q)"), ("@q", q));
        const string active = "(expires_at > @now AND (max_redemptions IS NULL OR redemptions < max_redemptions))";
        if (filter.Active is true) Add(active, ("@now", time(now)));
        if (filter.Active is false) Add("NOT " + active, ("@now", time(now)));

        var column = Column(filter.Sort);
        var descending = PromoSort.IsDescending(filter.Sort);
        if (after is not null)
        {
            var value = after.SortValue is DateTime t ? time(t) : after.SortValue;
            Add($"({column}, code) {(descending ? "<" : ">")} (@afterValue, @afterCode)", ("@afterValue", value), ("@afterCode", after.Code));
        }

        var direction = descending ? "DESC" : "ASC";
        var sql = new StringBuilder($"SELECT {Columns} FROM promo_codes");
        if (where.Count > 0)
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        sql.Append($" ORDER BY {column} {direction}, code {direction} LIMIT @limit;");
        parameters.Add(("@limit", limit));
        return (sql.ToString(), parameters);
    }

    private static string Column(string sort) => PromoSort.Field(sort) switch
    {
        "expiresAt" => "expires_at",
        "discountPercentage" => "discount_percentage",
        _ => "created_at",
    };
}
