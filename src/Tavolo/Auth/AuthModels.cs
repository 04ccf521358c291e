using System.Text.Json;
using System.Text.Json.Serialization;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.Auth;

/// <summary>A new account; an <c>owner</c> account also opens its first restaurant (<c>RestaurantName</c>, default the account's name).</summary>
public sealed record RegisterRequest(string? Email, string? Password, string? Name, string? AccountType, string? RestaurantName = null) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        errors.Text("restaurantName", RestaurantName, 1, 100, required: false);
        UserRules.Email(errors, Email);
        UserRules.Password(errors, Password, Email);
        UserRules.Name(errors, Name);
        errors.OneOf("accountType", AccountType, Roles.SelfService, required: false);
    }
}

public sealed record LoginRequest(string? Email, string? Password) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        errors.Text("email", Email, 1, UserRules.MaxEmailLength);
        errors.Text("password", Password, 1, Passwords.MaxLength);
    }
}

public sealed record RefreshRequest(string? RefreshToken) : IValidatable
{
    public void Validate(ValidationErrors errors) => errors.Text("refreshToken", RefreshToken, 1, 256);
}

public sealed record TokensResponse(
    string AccessToken, string TokenType, int ExpiresIn, string RefreshToken, int RefreshExpiresIn, string SessionId);

public sealed record SessionView(
    string Id, DateTime CreatedAt, DateTime LastUsedAt, DateTime ExpiresAt, string? UserAgent, bool Current);

public sealed record SessionList(IReadOnlyList<SessionView> Items);

public sealed record OpenIdConfiguration(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("jwks_uri")] string JwksUri,
    [property: JsonPropertyName("response_types_supported")] string[] ResponseTypesSupported,
    [property: JsonPropertyName("subject_types_supported")] string[] SubjectTypesSupported,
    [property: JsonPropertyName("id_token_signing_alg_values_supported")] string[] IdTokenSigningAlgValuesSupported,
    [property: JsonPropertyName("claims_supported")] string[] ClaimsSupported);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(TokensResponse))]
[JsonSerializable(typeof(SessionList))]
[JsonSerializable(typeof(JsonWebKeySet))]
[JsonSerializable(typeof(OpenIdConfiguration))]
internal sealed partial class AuthJson : JsonSerializerContext;
