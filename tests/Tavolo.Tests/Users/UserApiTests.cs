using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Tavolo.Tests.Users;

public sealed class UserApiTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    private const string Password = "a-long-enough-pass-7";

    [Fact]
    public async Task The_bootstrap_admin_exists_and_is_an_admin()
    {
        var admin = await app.AdminAsync();
        using var client = admin.Client();
        var me = await (await client.GetAsync("/users/me")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("admin", (string)me["role"]!);
        Assert.Equal(TavoloApp.AdminEmail, (string)me["email"]!);
    }

    [Theory]
    [InlineData("customer")]
    [InlineData("owner")]
    public async Task Me_returns_the_caller(string accountType)
    {
        var user = await app.NewUserAsync(accountType);
        using var client = user.Client();
        var me = await (await client.GetAsync("/users/me")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(user.Id, (string)me["id"]!);
        Assert.Equal(accountType, (string)me["role"]!);
    }

    [Theory]
    [InlineData("GET", "/users/me")]
    [InlineData("GET", "/users")]
    [InlineData("POST", "/users")]
    [InlineData("GET", "/users/some-id")]
    [InlineData("PUT", "/users/some-id")]
    [InlineData("DELETE", "/users/some-id")]
    public async Task Every_users_route_needs_a_token(string method, string path)
    {
        using var client = app.Anonymous();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = HttpAssertions.Json("{}") };
        await (await client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("customer")]
    [InlineData("owner")]
    public async Task Only_an_admin_lists_or_creates_users(string accountType)
    {
        var user = await app.NewUserAsync(accountType);
        using var client = user.Client();
        await (await client.GetAsync("/users")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var email = TavoloApp.NewEmail();
        var create = await client.PostAsJsonAsync("/users", new { email, password = Password, name = "X", role = "admin" });
        await create.AssertProblemAsync(HttpStatusCode.Forbidden);
        using var anonymous = app.Anonymous();
        await (await anonymous.PostAsJsonAsync("/auth/login", new { email, password = Password })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_admin_creates_users_of_any_role()
    {
        var admin = await app.AdminAsync();
        using var client = admin.Client();
        foreach (var role in new[] { "customer", "owner", "admin" })
        {
            var email = TavoloApp.NewEmail(role);
            var created = await (await client.PostAsJsonAsync("/users", new { email, password = Password, name = "Made", role }))
                .ReadJsonAsync(HttpStatusCode.Created);
            Assert.Equal(role, (string)created["role"]!);
            var tokens = await app.LoginAsync(email, Password);
            Assert.Equal(role, (string)Jwt.Decode((string)tokens["accessToken"]!).Payload["role"]!);
        }
    }

    [Theory]
    [InlineData("""{"email":"x@example.com","password":"a-long-enough-pass-7","name":"X"}""", "role")]
    [InlineData("""{"email":"x@example.com","password":"a-long-enough-pass-7","name":"X","role":"chef"}""", "role")]
    [InlineData("""{"email":"x@example.com","password":"a-long-enough-pass-7","name":"X","role":7}""", "role")]
    [InlineData("""{"email":"x@example","password":"a-long-enough-pass-7","name":"X","role":"owner"}""", "email")]
    [InlineData("""{"email":"x@example.com","password":"password1234","name":"X","role":"owner"}""", "password")]
    public async Task Admin_create_with_a_bad_body_is_400(string body, string field)
    {
        var admin = await app.AdminAsync();
        using var client = admin.Client();
        await (await client.PostAsync("/users", HttpAssertions.Json(body))).AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task Admin_create_with_a_taken_email_is_409()
    {
        var admin = await app.AdminAsync();
        var existing = await app.NewUserAsync();
        using var client = admin.Client();
        var response = await client.PostAsJsonAsync("/users", new { email = existing.Email, password = Password, name = "X", role = "owner" });
        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_admin_list_pages_through_every_user_once_and_filters_by_role()
    {
        var owners = new List<TestUser>();
        for (var i = 0; i < 5; i++)
            owners.Add(await app.NewUserAsync("owner"));
        var admin = await app.AdminAsync();
        using var client = admin.Client();

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync($"/users?role=owner&limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}"))
                .ReadJsonAsync(HttpStatusCode.OK);
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 2);
            Assert.All(items, u => Assert.Equal("owner", (string)u!["role"]!));
            seen.AddRange(items.Select(u => (string)u!["id"]!));
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), owners.Select(o => o.Id).ToHashSet());

        var all = await (await client.GetAsync("/users?limit=100")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Contains(all["items"]!.AsArray(), u => (string)u!["role"]! == "admin");
        Assert.DoesNotContain("password", all.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?limit=abc", "limit")]
    [InlineData("?role=chef", "role")]
    [InlineData("?cursor=forged.cursor", "cursor")]
    public async Task The_admin_list_refuses_bad_query_values(string query, string field)
    {
        var admin = await app.AdminAsync();
        using var client = admin.Client();
        await (await client.GetAsync("/users" + query)).AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task A_cursor_is_tamper_evident_and_bound_to_its_filter()
    {
        await app.NewUserAsync("owner");
        await app.NewUserAsync("owner");
        var admin = await app.AdminAsync();
        using var client = admin.Client();
        var page = await (await client.GetAsync("/users?role=owner&limit=1")).ReadJsonAsync(HttpStatusCode.OK);
        var cursor = (string)page["nextCursor"]!;

        await (await client.GetAsync("/users?limit=1&cursor=" + Uri.EscapeDataString(cursor))).AssertFieldErrorAsync("cursor");
        var flipped = (cursor[0] == 'A' ? "B" : "A") + cursor[1..];
        await (await client.GetAsync("/users?role=owner&limit=1&cursor=" + Uri.EscapeDataString(flipped))).AssertFieldErrorAsync("cursor");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users?role=owner&limit=1&cursor=" + Uri.EscapeDataString(cursor))).StatusCode);
    }

    [Fact]
    public async Task A_user_sees_itself_but_another_users_id_is_404()
    {
        var ann = await app.NewUserAsync();
        var bob = await app.NewUserAsync("owner");
        using var client = ann.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/users/{ann.Id}")).StatusCode);
        await (await client.GetAsync($"/users/{bob.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.PutAsJsonAsync($"/users/{bob.Id}", new { name = "Hacked" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync($"/users/{bob.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/users/no-such-user")).AssertProblemAsync(HttpStatusCode.NotFound);

        using var bobClient = bob.Client();
        var bobMe = await (await bobClient.GetAsync("/users/me")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.NotEqual("Hacked", (string)bobMe["name"]!);
    }

    [Fact]
    public async Task An_admin_reads_anyone_and_unknown_ids_are_404()
    {
        var admin = await app.AdminAsync();
        var ann = await app.NewUserAsync();
        using var client = admin.Client();
        var read = await (await client.GetAsync($"/users/{ann.Id}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(ann.Email, (string)read["email"]!);
        await (await client.GetAsync("/users/no-such-user")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_user_updates_its_own_name_and_email()
    {
        var ann = await app.NewUserAsync();
        using var client = ann.Client();
        var newEmail = TavoloApp.NewEmail("renamed");
        var updated = await (await client.PutAsJsonAsync($"/users/{ann.Id}", new { name = "Annie", email = newEmail, currentPassword = ann.Password })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Annie", (string)updated["name"]!);
        Assert.Equal(newEmail, (string)updated["email"]!);
        Assert.True(DateTime.Parse((string)updated["updatedAt"]!, System.Globalization.CultureInfo.InvariantCulture)
            > DateTime.Parse((string)updated["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        await app.LoginAsync(newEmail, ann.Password);
    }

    [Fact]
    public async Task A_non_admin_changing_a_role_is_403_and_nothing_changes()
    {
        var ann = await app.NewUserAsync();
        using var client = ann.Client();
        var response = await client.PutAsJsonAsync($"/users/{ann.Id}", new { name = "Changed", role = "admin" });
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        var me = await (await client.GetAsync("/users/me")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("customer", (string)me["role"]!);
        Assert.NotEqual("Changed", (string)me["name"]!);
    }

    [Fact]
    public async Task Updating_to_a_taken_email_is_409()
    {
        var ann = await app.NewUserAsync();
        var bob = await app.NewUserAsync();
        using var client = ann.Client();
        await (await client.PutAsJsonAsync($"/users/{ann.Id}", new { email = bob.Email.ToUpperInvariant(), currentPassword = ann.Password })).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("{}", "body")]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"email":"nope"}""", "email")]
    [InlineData("""{"password":"short"}""", "password")]
    [InlineData("""{"role":"chef"}""", "role")]
    [InlineData("""{"name":["a"]}""", "name")]
    public async Task Update_with_a_bad_body_is_400(string body, string field)
    {
        var ann = await app.NewUserAsync();
        using var client = ann.Client();
        await (await client.PutAsync($"/users/{ann.Id}", HttpAssertions.Json(body))).AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task An_admin_changing_a_role_signs_that_user_out_everywhere()
    {
        var admin = await app.AdminAsync();
        var ann = await app.NewUserAsync();
        using var adminClient = admin.Client();
        var updated = await (await adminClient.PutAsJsonAsync($"/users/{ann.Id}", new { role = "owner" })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("owner", (string)updated["role"]!);

        using var stale = ann.Client();
        await (await stale.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var tokens = await app.LoginAsync(ann.Email, ann.Password);
        Assert.Equal("owner", (string)Jwt.Decode((string)tokens["accessToken"]!).Payload["role"]!);
    }

    [Fact]
    public async Task Changing_the_password_ends_the_other_sessions_but_keeps_this_one()
    {
        var ann = await app.NewUserAsync();
        var other = await app.LoginAsync(ann.Email, ann.Password);
        using var client = ann.Client();
        const string newPassword = "a-brand-new-secret-9";
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/users/{ann.Id}", new { password = newPassword, currentPassword = ann.Password })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users/me")).StatusCode);
        using var otherClient = app.As((string)other["accessToken"]!);
        await (await otherClient.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var anonymous = app.Anonymous();
        await (await anonymous.PostAsJsonAsync("/auth/login", new { email = ann.Email, password = ann.Password })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await app.LoginAsync(ann.Email, newPassword);
    }

    [Fact]
    public async Task Deleting_yourself_revokes_every_session()
    {
        var ann = await app.NewUserAsync();
        var second = await app.LoginAsync(ann.Email, ann.Password);
        using var client = ann.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/users/{ann.Id}")).StatusCode);

        await (await client.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var secondClient = app.As((string)second["accessToken"]!);
        await (await secondClient.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var anonymous = app.Anonymous();
        await (await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken = (string)second["refreshToken"]! })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsJsonAsync("/auth/login", new { email = ann.Email, password = ann.Password })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_admin_deletes_another_user()
    {
        var admin = await app.AdminAsync();
        var ann = await app.NewUserAsync();
        using var client = admin.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/users/{ann.Id}")).StatusCode);
        await (await client.GetAsync($"/users/{ann.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync($"/users/{ann.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var annClient = ann.Client();
        await (await annClient.GetAsync("/users/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
