using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tavolo.Auth;
using Tavolo.Platform;

namespace Tavolo.Users;

/// <summary>A user as the API shows it: never a password or hash.</summary>
public sealed record UserView(string Id, string Email, string Name, string Role, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static UserView From(User user) => new(user.Id, user.Email, user.Name, user.Role, user.CreatedAt, user.UpdatedAt);
}

public sealed record CreateUserRequest(string? Email, string? Password, string? Name, string? Role) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        UserRules.Email(errors, Email);
        UserRules.Password(errors, Password, Email);
        UserRules.Name(errors, Name);
        errors.OneOf("role", Role, Roles.All);
    }
}

/// <summary>
/// Any of the fields; absent ones stay as they are. <c>CurrentPassword</c> re-authenticates a user changing its
/// own email or password (a stolen access token alone must not take the account over).
/// </summary>
public sealed record UpdateUserRequest(string? Name, string? Email, string? Password, string? Role, string? CurrentPassword = null) : IValidatable
{
    /// <summary>Whether this change needs the current password when users change themselves.</summary>
    public bool ChangesCredentials => Email is not null || Password is not null;

    public void Validate(ValidationErrors errors)
    {
        if (Name is null && Email is null && Password is null && Role is null)
            errors.Add("body", "Give at least one of name, email, password, role.");
        if (Email is not null) UserRules.Email(errors, Email);
        if (Password is not null) UserRules.Password(errors, Password, Email);
        if (Name is not null) UserRules.Name(errors, Name);
        errors.OneOf("role", Role, Roles.All, required: false);
        errors.Text("currentPassword", CurrentPassword, 1, Passwords.MaxLength, required: false);
    }
}

public sealed record UserListQuery : IValidatable
{
    public string? Role { get; init; }

    /// <summary>1–100, default 20.</summary>
    public string? Limit { get; init; }

    public string? Cursor { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.OneOf("role", Role, Roles.All, required: false);
        PageLimit.Validate(Limit, errors);
    }
}

/// <summary>The rules for a user's fields, shared by registration and the admin routes.</summary>
public static class UserRules
{
    public const int MaxEmailLength = 254;
    public const int MaxNameLength = 100;

    public static void Email(ValidationErrors errors, string? email)
    {
        var value = errors.Text("email", email, 3, MaxEmailLength);
        if (value is { Length: >= 3 and <= MaxEmailLength }
            && !(MailAddress.TryCreate(value, out var parsed) && parsed.Address == value && parsed.Host.Contains('.', StringComparison.Ordinal)))
        {
            errors.Add("email", "Must be an email address.");
        }
    }

    public static void Password(ValidationErrors errors, string? password, string? email)
    {
        if (password is null)
            errors.Add("password", "Required.");
        else if (Passwords.Weakness(password, email) is { } weakness)
            errors.Add("password", weakness);
    }

    public static void Name(ValidationErrors errors, string? name) => errors.Text("name", name, 1, MaxNameLength);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(Page<UserView>))]
internal sealed partial class UsersJson : JsonSerializerContext;
