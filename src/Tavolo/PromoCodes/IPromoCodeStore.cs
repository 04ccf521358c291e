namespace Tavolo.PromoCodes;

/// <summary>The promo codes port (SQLite locally, PostgreSQL on AWS).</summary>
public interface IPromoCodeStore
{
    /// <summary>Adds a code; false when the code is taken.</summary>
    Task<bool> CreateAsync(PromoCode code, CancellationToken cancellationToken);

    /// <summary>
    /// The code when <paramref name="visibleTo"/> created it or may use it (null: anyone's — an admin, or a check that
    /// reveals no terms); anyone else's is not found. The rule lives in the query.
    /// </summary>
    Task<PromoCode?> FindAsync(string code, string? visibleTo, CancellationToken cancellationToken);

    /// <summary>The page after <paramref name="after"/> in the filter's sort order, the code breaking ties.</summary>
    Task<IReadOnlyList<PromoCode>> ListAsync(PromoCodeFilter filter, PromoPosition? after, int limit, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the editable fields (owner, discount, expiry, description, max redemptions). False when the code is
    /// gone, or when the new maximum is below the redemptions already made (checked in the same write).
    /// </summary>
    Task<bool> UpdateAsync(PromoCode code, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string code, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically checks the code for the user and the restaurant and counts one redemption for the order. Redeeming
    /// again for the same order succeeds without counting twice; with <c>maxRedemptions</c> reached, or at another
    /// restaurant than the code's, it is refused and nothing changes.
    /// </summary>
    Task<Redemption> RedeemAsync(string code, string userId, string orderId, string restaurantId, DateTime now, CancellationToken cancellationToken);

    /// <summary>Gives back the order's redemption of the code (a failed, edited or canceled order); no-op when there is none.</summary>
    Task ReleaseAsync(string code, string orderId, CancellationToken cancellationToken);
}
