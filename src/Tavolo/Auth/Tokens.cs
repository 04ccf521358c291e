using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tavolo.Platform;
using Tavolo.Users;

namespace Tavolo.Auth;

/// <summary>
/// Mints access tokens and owns the one set of rules that checks them — used by the app's bearer
/// authentication and by the API Gateway authorizer alike: ES256 only, our issuer, our audience, our keys.
/// </summary>
public sealed class Tokens(SigningKeys keys, IOptions<TavoloOptions> options, TimeProvider clock)
{
    private readonly AuthOptions _auth = options.Value.Auth;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false, SetDefaultTimesOnTokenCreation = false };

    public TimeSpan AccessTokenLifetime => TimeSpan.FromMinutes(_auth.AccessTokenMinutes);

    public string Issuer => _auth.Issuer;

    /// <summary>How far past its expiry a token is still accepted (clock differences between machines).</summary>
    public TimeSpan ClockSkew => _validation.ClockSkew;

    // Built once: it is read on every authenticated request.
    private readonly TokenValidationParameters _validation = new()
    {
        ValidIssuer = options.Value.Auth.Issuer,
        ValidAudience = options.Value.Auth.Audience,
        IssuerSigningKeys = keys.All,
        ValidAlgorithms = [SigningKeys.Algorithm],
        ValidTypes = ["JWT"],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = "sub",
        RoleClaimType = "role",
        TryAllIssuerSigningKeys = false,
        LifetimeValidator = (notBefore, expires, _, parameters) =>
            expires is { } exp && exp > clock.GetUtcNow().UtcDateTime - parameters.ClockSkew
            && (notBefore is not { } nbf || nbf < clock.GetUtcNow().UtcDateTime + parameters.ClockSkew),
    };

    public string CreateAccessToken(User user, string sessionId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return EcdsaSignatures.Canonicalize(_handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _auth.Issuer,
            Audience = _auth.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + AccessTokenLifetime,
            SigningCredentials = keys.Current,
            TokenType = "JWT",
            Claims = new Dictionary<string, object>
            {
                ["sub"] = user.Id,
                ["sid"] = sessionId,
                ["role"] = user.Role,
                ["email"] = user.Email,
                ["jti"] = Ids.New(),
            },
        }));
    }

    /// <summary>Validates a bearer token's signature and claims (not yet its session: <see cref="Authenticator"/> checks that).</summary>
    public async Task<ClaimsIdentity?> ValidateAsync(string token)
    {
        if (!EcdsaSignatures.IsCanonical(token))
            return null; // a high-S twin of a valid signature (see EcdsaSignatures)
        var result = await _handler.ValidateTokenAsync(token, _validation);
        // RFC 7515 4.1.11: a "crit" header names extensions the recipient must understand; Tavolo understands none, and
        // the library does not check it, so any token that carries one is refused.
        return result.IsValid && !(result.SecurityToken is JsonWebToken jwt && jwt.TryGetHeaderValue<object>("crit", out _))
            ? result.ClaimsIdentity
            : null;
    }
}
