using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tavolo.Auth;
using Tavolo.Platform;
using Tavolo.Users;
using Tavolo.Waitlists.Notifications;

namespace Tavolo.Restaurants;

/// <summary>A restaurant's people: its staff with their roles, and invitations to join (accepted by the invited email only).</summary>
public static class StaffEndpoints
{
    internal static void Map(RouteGroupBuilder restaurants, IEndpointRouteBuilder app)
    {
        var staff = restaurants.MapGroup("/{restaurantId}").RequireAuthorization().ProducesProblem(StatusCodes.Status403Forbidden);
        staff.MapGet("/staff", List).WithSummary("The restaurant's people and their roles (OWNER, MANAGER, admin).");
        staff.MapPut("/staff/{userId}", SetRole).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Change a member's role (OWNER: any; MANAGER: to and from HOST/KITCHEN); the last OWNER stays.");
        staff.MapDelete("/staff/{userId}", Remove).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Remove a member (OWNER; MANAGER: HOST/KITCHEN; the member itself); access ends at once.");
        staff.MapPost("/invitations", Invite).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Invite someone by email with a role; the token is shown only in this answer (and emailed).");
        staff.MapGet("/invitations", ListInvitations).WithSummary("Pending invitations (never their tokens).");
        staff.MapDelete("/invitations/{invitationId}", Withdraw).WithSummary("Withdraw an invitation: its token stops working.");

        var invitations = app.MapGroup("/invitations/{token}").WithTags("Restaurants").WithValidation().ProducesProblem(StatusCodes.Status404NotFound);
        invitations.MapGet("/", Preview).WithSummary("What an invitation is (for its accept page).");
        invitations.MapPost("/accept", Accept).RequireAuthorization().ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Join the restaurant: only the account whose email the invitation names; once.");
    }

    private static async Task<Results<Ok<StaffView>, ProblemHttpResult>> List(
        string restaurantId, ClaimsPrincipal caller, IRestaurantStore restaurants, RestaurantAccess access, IUserStore users, CancellationToken cancellationToken)
    {
        var allowed = await access.CheckAsync(caller, restaurantId, RestaurantPermission.ListStaff, cancellationToken);
        if (!allowed.Allowed)
            return allowed.Refusal("No such restaurant.");
        var items = new List<StaffMemberView>();
        foreach (var member in await restaurants.ListStaffAsync(restaurantId, cancellationToken))
        {
            if (await users.FindAsync(member.UserId, cancellationToken) is { } user)
                items.Add(new StaffMemberView(user.Id, user.Name, user.Email, member.Role, member.Since));
        }
        return TypedResults.Ok(new StaffView(items));
    }

    private static async Task<Results<Ok<StaffMemberView>, ProblemHttpResult>> SetRole(
        string restaurantId, string userId, StaffRoleRequest request, ClaimsPrincipal caller, IRestaurantStore restaurants, RestaurantAccess access,
        IUserStore users, CancellationToken cancellationToken)
    {
        var (member, refusal) = await FindManagedAsync(restaurantId, userId, caller, restaurants, access, cancellationToken);
        if (member is null)
            return refusal!;
        var allowed = await access.CheckAsync(caller, restaurantId, RestaurantPermission.ManageStaff, cancellationToken);
        if (!allowed.MayManageRole(request.Role!))
            return Problems.Forbidden($"Your role at this restaurant ({allowed.Role}) cannot give the role {request.Role}.");
        return await restaurants.SetRoleAsync(restaurantId, userId, request.Role!, cancellationToken) switch
        {
            StaffWrite.Done when await users.FindAsync(userId, cancellationToken) is { } user =>
                TypedResults.Ok(new StaffMemberView(user.Id, user.Name, user.Email, request.Role!, member.Since)),
            StaffWrite.LastOwner => Problems.Conflict("A restaurant keeps at least one OWNER: make someone else OWNER first."),
            _ => Problems.NotFound("No such member."),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        string restaurantId, string userId, ClaimsPrincipal caller, IRestaurantStore restaurants, RestaurantAccess access, CancellationToken cancellationToken)
    {
        StaffWrite result;
        if (userId == caller.Id() && await restaurants.FindMemberAsync(restaurantId, userId, cancellationToken) is not null)
            result = await restaurants.RemoveMemberAsync(restaurantId, userId, cancellationToken); // leaving: anyone may
        else
        {
            var (member, refusal) = await FindManagedAsync(restaurantId, userId, caller, restaurants, access, cancellationToken);
            if (member is null)
                return refusal!;
            result = await restaurants.RemoveMemberAsync(restaurantId, userId, cancellationToken);
        }
        return result switch
        {
            StaffWrite.Done => TypedResults.NoContent(),
            StaffWrite.LastOwner => Problems.Conflict("A restaurant keeps at least one OWNER: make someone else OWNER first, or delete the restaurant."),
            _ => Problems.NotFound("No such member."),
        };
    }

    /// <summary>A member the caller may manage: 404 for strangers (and for no such member), 403 for a role that may not touch that member.</summary>
    private static async Task<(Membership? Member, ProblemHttpResult? Refusal)> FindManagedAsync(
        string restaurantId, string userId, ClaimsPrincipal caller, IRestaurantStore restaurants, RestaurantAccess access, CancellationToken cancellationToken)
    {
        var allowed = await access.CheckAsync(caller, restaurantId, RestaurantPermission.ManageStaff, cancellationToken);
        if (!allowed.Allowed)
            return (null, allowed.Refusal("No such restaurant."));
        if (await restaurants.FindMemberAsync(restaurantId, userId, cancellationToken) is not { } member)
            return (null, Problems.NotFound("No such member."));
        return allowed.MayManageRole(member.Role)
            ? (member, null)
            : (null, Problems.Forbidden($"Your role at this restaurant ({allowed.Role}) cannot change a {member.Role}."));
    }

    private static async Task<Results<Created<InvitationCreatedView>, ProblemHttpResult>> Invite(
        string restaurantId, InvitationRequest request, ClaimsPrincipal caller, IRestaurantStore restaurants, RestaurantAccess access,
        IUserStore users, EmailChannel email, IOptions<TavoloOptions> options, ILoggerFactory logs, TimeProvider clock, CancellationToken cancellationToken)
    {
        var allowed = await access.CheckAsync(caller, restaurantId, RestaurantPermission.ManageStaff, cancellationToken);
        if (!allowed.Allowed)
            return allowed.Refusal("No such restaurant.");
        if (!allowed.MayManageRole(request.Role!))
            return Problems.Forbidden($"Your role at this restaurant ({allowed.Role}) cannot invite a {request.Role}.");
        var address = request.Email!.Trim();
        if (await users.FindByEmailAsync(address, cancellationToken) is { } existing
            && await restaurants.FindMemberAsync(restaurantId, existing.Id, cancellationToken) is not null)
            return Problems.Conflict("This person already works here.");
        var now = clock.GetUtcNow().UtcDateTime;
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var invitation = new Invitation(Ids.New(), restaurantId, address, request.Role!, Hash(token), caller.Id(), now, now + Invitation.Lifetime);
        switch (await restaurants.InviteAsync(invitation, Invitation.MaxPending, now, cancellationToken))
        {
            case InvitationWrite.TooMany:
                return Problems.Conflict($"A restaurant has at most {Invitation.MaxPending} pending invitations: withdraw some first.");
            case InvitationWrite.AlreadyInvited:
                return Problems.Conflict("This email already has a pending invitation: withdraw it to send a new one.");
        }
        var acceptUrl = $"{options.Value.PublicUrl}/invite/{token}";
        if (email.Enabled && await restaurants.FindAsync(restaurantId, cancellationToken) is { } restaurant)
            await SendAsync(email, invitation, restaurant.Name, acceptUrl, logs.CreateLogger(typeof(StaffEndpoints)), cancellationToken);
        return TypedResults.Created($"/restaurants/{restaurantId}/invitations/{invitation.Id}",
            new InvitationCreatedView(invitation.Id, invitation.Email, invitation.Role, invitation.ExpiresAt, token, acceptUrl));
    }

    /// <summary>Emails the link; a mail server that fails does not fail the invitation (the inviter has the link to pass on).</summary>
    private static async Task SendAsync(EmailChannel email, Invitation invitation, string restaurantName, string acceptUrl, ILogger log, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await email.SendTextAsync(invitation.Email, $"You are invited to {EmailChannel.AsText(restaurantName)} on Tavolo",
                $"Hello,\n\nyou are invited to join {EmailChannel.AsText(restaurantName)} on Tavolo as {invitation.Role}.\n\n"
                + $"Accept the invitation (valid for 7 days): {acceptUrl}\n\n— Tavolo", $"{invitation.Id}@tavolo", timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("Invitation {InvitationId} could not be emailed ({Error}); the inviter has the link.", invitation.Id, e.GetType().Name);
        }
    }

    private static async Task<Results<Ok<InvitationsView>, ProblemHttpResult>> ListInvitations(
        string restaurantId, ClaimsPrincipal caller, IRestaurantStore restaurants, RestaurantAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        var allowed = await access.CheckAsync(caller, restaurantId, RestaurantPermission.ListStaff, cancellationToken);
        if (!allowed.Allowed)
            return allowed.Refusal("No such restaurant.");
        var pending = await restaurants.ListInvitationsAsync(restaurantId, clock.GetUtcNow().UtcDateTime, cancellationToken);
        return TypedResults.Ok(new InvitationsView(pending.Select(InvitationView.From).ToList()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Withdraw(
        string restaurantId, string invitationId, ClaimsPrincipal caller, IRestaurantStore restaurants, RestaurantAccess access, CancellationToken cancellationToken)
    {
        var allowed = await access.CheckAsync(caller, restaurantId, RestaurantPermission.ListStaff, cancellationToken);
        if (!allowed.Allowed)
            return allowed.Refusal("No such restaurant.");
        return await restaurants.WithdrawAsync(restaurantId, invitationId, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("No such invitation.");
    }

    private static async Task<Results<Ok<InvitationPreview>, ProblemHttpResult>> Preview(
        string token, IRestaurantStore restaurants, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (invitation, restaurant) = await FindPendingAsync(token, restaurants, clock, cancellationToken);
        return invitation is null
            ? Problems.NotFound("No such invitation: it may have been used, withdrawn, or have expired.")
            : TypedResults.Ok(new InvitationPreview(restaurant!.Name, invitation.Role, invitation.Email, invitation.ExpiresAt));
    }

    private static async Task<Results<Ok<WorkplaceView>, ProblemHttpResult>> Accept(
        string token, ClaimsPrincipal caller, IRestaurantStore restaurants, IUserStore users, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (invitation, restaurant) = await FindPendingAsync(token, restaurants, clock, cancellationToken);
        if (invitation is null)
            return Problems.NotFound("No such invitation: it may have been used, withdrawn, or have expired.");
        if (await users.FindAsync(caller.Id(), cancellationToken) is not { } user
            || !string.Equals(user.Email.Trim(), invitation.Email.Trim(), StringComparison.OrdinalIgnoreCase))
            return Problems.Forbidden("This invitation is for another email address: sign in with the account it names.");
        if (!await restaurants.AcceptAsync(invitation, user.Id, clock.GetUtcNow().UtcDateTime, cancellationToken))
            return Problems.NotFound("No such invitation: it may have been used, withdrawn, or have expired.");
        var role = (await restaurants.FindMemberAsync(restaurant!.Id, user.Id, cancellationToken))?.Role ?? invitation.Role;
        return TypedResults.Ok(new WorkplaceView(RestaurantView.From(restaurant), role));
    }

    private static async Task<(Invitation? Invitation, Restaurant? Restaurant)> FindPendingAsync(
        string token, IRestaurantStore restaurants, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (token.Length is < 20 or > 100)
            return (null, null);
        if (await restaurants.FindInvitationAsync(Hash(token), cancellationToken) is not { } invitation
            || !invitation.IsPending(clock.GetUtcNow().UtcDateTime)
            || await restaurants.FindAsync(invitation.RestaurantId, cancellationToken) is not { } restaurant)
            return (null, null);
        return (invitation, restaurant);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
