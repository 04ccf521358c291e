using Tavolo.PromoCodes;

namespace Tavolo.Orders;

/// <summary>
/// An order's use of a promo code: take the redemption, write the order, give the redemption back when the order write
/// did not happen. This is compensation rather than one transaction because codes and orders may live in different
/// databases (on AWS promo codes are in PostgreSQL, orders in DynamoDB): nothing commits both at once, so the code is
/// redeemed first (atomically, so the last redemption goes to one order) and handed back if the order is not saved.
/// Create, edit and cancel all go through here, so the rule is written once.
/// </summary>
public sealed class OrderRedemptions(IPromoCodeStore promos)
{
    /// <summary>Redeems <paramref name="code"/> for the order (null when there is no code): the discount or the refusal.</summary>
    public async Task<Redemption?> RedeemAsync(
        string? code, string userId, string orderId, string restaurantId, DateTime now, CancellationToken cancellationToken) =>
        code is null ? null : await promos.RedeemAsync(code, userId, orderId, restaurantId, now, cancellationToken);

    /// <summary>
    /// Runs the order write holding <paramref name="redemption"/> of <paramref name="code"/>. When the write does not happen
    /// (false, or it throws) a redemption this call counted is given back; when it does, the code it replaced (an edit) is.
    /// </summary>
    public async Task<bool> WriteAsync(
        string? code, Redemption? redemption, string orderId, Func<Task<bool>> write, string? replacing = null)
    {
        var written = false;
        try
        {
            written = await write();
        }
        finally
        {
            // One this call did not take (the order already held it) stays with the order.
            if (!written && redemption is { Counted: true })
                await promos.ReleaseAsync(code!, orderId, CancellationToken.None);
        }
        if (written && replacing is not null && replacing != code)
            await promos.ReleaseAsync(replacing, orderId, CancellationToken.None);
        return written;
    }

    /// <summary>A canceled order gives its redemption back.</summary>
    public Task GiveBackAsync(Order order) =>
        order.PromoCode is null ? Task.CompletedTask : promos.ReleaseAsync(order.PromoCode, order.OrderId, CancellationToken.None);
}
