using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Tavolo.Tests.Security;

/// <summary>
/// Real resources for one attack case: a restaurant (its owner's first) with a menu item, a waitlist with a waitee (and
/// its guest token), a customer's order at that restaurant, a promo code the owner issued to that customer, its
/// staff (a MANAGER, a HOST and a KITCHEN member, shared by every world of a test) and a pending invitation of the
/// customer (its token: only the customer may accept it).
/// </summary>
public sealed record RouteWorld(
    TestUser Customer, TestUser Owner, string MenuItemId, string WaitlistId, string WaiteeId, string GuestToken,
    string OrderId, string PromoCode, Staff Staff, string InvitationId, string InvitationToken)
{
    public string SessionId => (string)Customer.Tokens["sessionId"]!;

    public static async Task<RouteWorld> CreateAsync(TavoloApp app, Staff staff)
    {
        var owner = await app.NewUserAsync("owner");
        var customer = await app.NewUserAsync("customer");
        await staff.JoinAsync(app, owner.Id);
        using var asOwner = owner.Client();
        using var asCustomer = customer.Client();
        var item = await (await asOwner.PostAsJsonAsync($"/restaurants/{owner.Id}/menu/items", new { name = "Soup", price = 7.50m }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var waitlist = await (await asOwner.PostAsJsonAsync("/waitlists", new { name = "Main room" })).ReadJsonAsync(HttpStatusCode.Created);
        var waitlistId = (string)waitlist["id"]!;
        var waitee = await (await asOwner.PostAsJsonAsync($"/waitlists/{waitlistId}/waitees", new { name = "Party", partySize = 2, email = "party@example.com" }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var promo = await (await asOwner.PostAsJsonAsync("/promo-codes", new
        {
            ownerId = customer.Id, discountPercentage = 10, expiresAt = app.Clock.GetUtcNow().AddDays(30), description = "ten off",
        })).ReadJsonAsync(HttpStatusCode.Created);
        var order = await (await asCustomer.PostAsJsonAsync("/orders", new
        {
            orderId = Guid.NewGuid(), restaurantId = owner.Id, items = new[] { new { menuItemId = (string)item["id"]!, quantity = 1 } },
        })).ReadJsonAsync(HttpStatusCode.Created);
        var invitation = await (await asOwner.PostAsJsonAsync($"/restaurants/{owner.Id}/invitations", new { email = customer.Email, role = "HOST" }))
            .ReadJsonAsync(HttpStatusCode.Created);
        return new RouteWorld(customer, owner, (string)item["id"]!, waitlistId, (string)waitee["id"]!, (string)waitee["guestToken"]!,
            (string)order["orderId"]!, (string)promo["code"]!, staff, (string)invitation["id"]!, (string)invitation["token"]!);
    }

    /// <summary>The route's template with this world's ids in place of its parameters.</summary>
    public string Fill(string template) => template
        .Replace("/users/{id}", $"/users/{Customer.Id}", StringComparison.Ordinal)
        .Replace("/auth/sessions/{id}", $"/auth/sessions/{SessionId}", StringComparison.Ordinal)
        .Replace("/waitlists/{id}", $"/waitlists/{WaitlistId}", StringComparison.Ordinal)
        .Replace("{waiteeId}", WaiteeId, StringComparison.Ordinal)
        .Replace("{guestToken}", GuestToken, StringComparison.Ordinal)
        .Replace("{restaurantId}", Owner.Id, StringComparison.Ordinal)
        .Replace("{userId}", Staff.Host.Id, StringComparison.Ordinal)
        .Replace("{invitationId}", InvitationId, StringComparison.Ordinal)
        .Replace("{token}", InvitationToken, StringComparison.Ordinal)
        .Replace("{itemId}", MenuItemId, StringComparison.Ordinal)
        .Replace("{orderId}", OrderId, StringComparison.Ordinal)
        .Replace("{code}", PromoCode, StringComparison.Ordinal);

    /// <summary>A valid body for the route, so that a refusal is about who calls, not what is sent.</summary>
    public object? Body(string route, TavoloApp app) => route switch
    {
        "POST /auth/register" => new { email = TavoloApp.NewEmail("new"), password = "a-long-enough-pass-7", name = "New" },
        "POST /auth/login" => new { email = Customer.Email, password = Customer.Password },
        "POST /auth/refresh" or "POST /auth/logout" => new { refreshToken = Customer.RefreshToken },
        "POST /users" => new { email = TavoloApp.NewEmail("made"), password = "a-long-enough-pass-7", name = "Made", role = "customer" },
        "PUT /users/{id}" => new { name = "Renamed" },
        "POST /waitlists" => new { name = "Patio", restaurantId = Owner.Id },
        "POST /restaurants" => new { name = "Second site", timeZone = "Europe/Rome", currency = "EUR" },
        "PUT /restaurants/{restaurantId}" => new { name = "Renamed place", timeZone = "Europe/Rome", currency = "EUR", country = "IT" },
        "PUT /restaurants/{restaurantId}/staff/{userId}" => new { role = "KITCHEN" },
        "POST /restaurants/{restaurantId}/invitations" => new { email = TavoloApp.NewEmail("invited"), role = "HOST" },
        "PUT /waitlists/{id}" => new { name = "Renamed room" },
        "POST /waitlists/{id}/waitees" or "PUT /waitlists/{id}/waitees/{waiteeId}" or "POST /waitlists/{id}/join" =>
            new { name = "Guests", partySize = 3, email = "guests@example.com" },
        "POST /restaurants/{restaurantId}/menu/items" or "PUT /restaurants/{restaurantId}/menu/items/{itemId}" =>
            new { name = "Stew", price = 9.25m },
        "POST /orders" => new { orderId = Guid.NewGuid(), restaurantId = Owner.Id, items = new[] { new { menuItemId = MenuItemId, quantity = 2 } } },
        "PUT /orders/{orderId}" => new { items = new[] { new { menuItemId = MenuItemId, quantity = 3 } } },
        "POST /promo-codes" => new { ownerId = Customer.Id, restaurantId = Owner.Id, discountPercentage = 15, expiresAt = app.Clock.GetUtcNow().AddDays(10), description = "more" },
        "PUT /promo-codes/{code}" => new { ownerId = Customer.Id, discountPercentage = 20, expiresAt = app.Clock.GetUtcNow().AddDays(20), description = "changed" },
        _ => null,
    };

    /// <summary>
    /// Everything this world holds (read by an admin) and, for creations, how many waitlists, promo codes and users
    /// exist at all: equal before and after a refused write means the refusal wrote nothing.
    /// </summary>
    public async Task<string> SnapshotAsync(HttpClient admin, bool countAll)
    {
        var text = new StringBuilder();
        string[] reads =
        [
            $"/users/{Customer.Id}", $"/users/{Owner.Id}", $"/restaurants/{Owner.Id}/menu", $"/waitlists/{WaitlistId}",
            $"/waitlists/{WaitlistId}/waitees?limit=100", $"/waitlists/{WaitlistId}/notifications?limit=100", $"/orders/{OrderId}",
            $"/orders?restaurantId={Owner.Id}&limit=100", $"/promo-codes/{PromoCode}", $"/promo-codes?createdBy={Owner.Id}&limit=100",
            $"/guest/{GuestToken}", $"/restaurants/{Owner.Id}", $"/restaurants/{Owner.Id}/staff", $"/restaurants/{Owner.Id}/invitations",
        ];
        foreach (var path in reads)
        {
            using var response = await admin.GetAsync(path);
            text.Append(path).Append(' ').Append((int)response.StatusCode).Append(' ').AppendLine(await response.Content.ReadAsStringAsync());
        }
        using (var sessions = await Customer.Client().GetAsync("/auth/sessions"))
            text.Append("sessions ").Append((int)sessions.StatusCode).Append(' ')
                .AppendLine(sessions.IsSuccessStatusCode ? (await sessions.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray().Count.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
        if (countAll)
            foreach (var list in new[] { "/waitlists", "/promo-codes", "/users", "/restaurants" })
                text.Append(list).Append(" count ").AppendLine((await CountAsync(admin, list)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private static async Task<int> CountAsync(HttpClient admin, string list)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonObject>($"{list}?limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            count += page!["items"]!.AsArray().Count;
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return count;
    }
}

/// <summary>A MANAGER, a HOST and a KITCHEN member (customer accounts), made once per test and added to every world's restaurant.</summary>
public sealed record Staff(TestUser Manager, TestUser Host, TestUser Kitchen)
{
    public static async Task<Staff> CreateAsync(TavoloApp app) =>
        new(await app.NewUserAsync("customer"), await app.NewUserAsync("customer"), await app.NewUserAsync("customer"));

    /// <summary>Makes them members of the restaurant, as accepted invitations do (through the store: no request to refuse).</summary>
    public async Task JoinAsync(TavoloApp app, string restaurantId)
    {
        var store = app.Services.GetRequiredService<Tavolo.Restaurants.IRestaurantStore>();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        foreach (var (user, role) in new[] { (Manager, "MANAGER"), (Host, "HOST"), (Kitchen, "KITCHEN") })
        {
            var invitation = new Tavolo.Restaurants.Invitation(
                Guid.NewGuid().ToString("N"), restaurantId, user.Email, role, Guid.NewGuid().ToString("N"), restaurantId, now, now.AddDays(7));
            Assert.Equal(Tavolo.Restaurants.InvitationWrite.Done, await store.InviteAsync(invitation, 50, now, default));
            Assert.True(await store.AcceptAsync(invitation, user.Id, now, default));
        }
    }
}
