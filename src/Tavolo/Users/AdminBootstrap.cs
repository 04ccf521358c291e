using Microsoft.Extensions.Options;
using Tavolo.Auth;
using Tavolo.Platform;

namespace Tavolo.Users;

/// <summary>
/// Creates the first admin from <c>Tavolo__Bootstrap__AdminEmail</c> / <c>AdminPassword</c> at start-up when no
/// admin exists. An existing account with that email is left alone (never promoted: whoever registered it
/// first chose its password).
/// </summary>
public sealed partial class AdminBootstrap(
    IUserStore users, Passwords passwords, IOptions<TavoloOptions> options, TimeProvider clock, ILogger<AdminBootstrap> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var bootstrap = options.Value.Bootstrap;
        if (string.IsNullOrWhiteSpace(bootstrap.AdminEmail) || string.IsNullOrEmpty(bootstrap.AdminPassword))
            return;
        if (await users.AnyWithRoleAsync(Roles.Admin, cancellationToken))
            return;

        var errors = new ValidationErrors();
        UserRules.Email(errors, bootstrap.AdminEmail);
        UserRules.Password(errors, bootstrap.AdminPassword, bootstrap.AdminEmail);
        if (!errors.IsEmpty)
            throw new InvalidOperationException(
                "Tavolo__Bootstrap__AdminEmail/AdminPassword are not acceptable: " + string.Join("; ", errors.ToDictionary().SelectMany(e => e.Value)));

        var now = clock.GetUtcNow().UtcDateTime;
        var admin = new User(Ids.New(), bootstrap.AdminEmail.Trim(), "Administrator", Roles.Admin, passwords.Hash(bootstrap.AdminPassword), now, now);
        if (await users.CreateAsync(admin, cancellationToken) == UserWrite.Done)
            LogCreated(logger, admin.Id);
        else
            LogEmailTaken(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first admin, user {UserId}")]
    private static partial void LogCreated(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No admin created: the bootstrap admin email belongs to an existing non-admin account")]
    private static partial void LogEmailTaken(ILogger logger);
}
