using System.Net;
using System.Net.Http.Json;
using Tavolo.Tests.Waitlists;

namespace Tavolo.Tests.Restaurants;

/// <summary>With SMTP set up, an invitation is emailed to the invited address (a real SMTP server on 127.0.0.1).</summary>
public sealed class InvitationEmailTests(SmtpApp app) : IClassFixture<SmtpApp>
{
    [Fact]
    public async Task The_invitation_link_goes_to_the_invited_email_and_the_restaurants_name_stays_in_one_line()
    {
        var owner = await app.NewUserAsync("owner");
        using var client = owner.Client();
        // A name may hold anything a person types: it never becomes a header of its own.
        await (await client.PutAsJsonAsync($"/restaurants/{owner.Id}", new { name = "Osteria \"Bcc: x@evil.example\" da Gino" })).ReadJsonAsync(HttpStatusCode.OK);
        var email = TavoloApp.NewEmail("host");
        var invitation = await (await client.PostAsJsonAsync($"/restaurants/{owner.Id}/invitations", new { email, role = "HOST" }))
            .ReadJsonAsync(HttpStatusCode.Created);

        var sent = Assert.Single(await app.Smtp.WaitForAsync(m => m.To.Contains(email, StringComparison.OrdinalIgnoreCase), 1, TimeSpan.FromSeconds(10)));
        Assert.Contains((string)invitation["acceptUrl"]!, sent.Data, StringComparison.Ordinal);
        Assert.Contains("as HOST", sent.Data, StringComparison.Ordinal);
        var data = sent.Data.Replace("\r\n", "\n", StringComparison.Ordinal);
        var headers = data[..data.IndexOf("\n\n", StringComparison.Ordinal)];
        Assert.DoesNotContain("\nBcc:", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Single(app.Smtp.Messages, m => m.To.Contains(email, StringComparison.OrdinalIgnoreCase)); // to the invitee alone
    }
}
