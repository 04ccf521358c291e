using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Tavolo.Platform;

namespace Tavolo.Auth;

/// <summary>
/// Password hashing with PBKDF2-HMAC-SHA512 at OWASP's 2023 cost (210,000 iterations, 128-bit salt), through the
/// platform's native crypto: no extra package, fast on every host, FIPS-approved. The stored form names the
/// algorithm and cost (<c>pbkdf2-sha512$210000$salt$hash</c>), so that the cost can rise later and old hashes
/// are upgraded at the next login.
/// </summary>
public sealed class Passwords
{
    public const int MinLength = 10;
    public const int MaxLength = 128;
    private const string Scheme = "pbkdf2-sha512";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private static readonly Lazy<HashSet<string>> Common = new(LoadCommonPasswords);
    private readonly int _iterations;
    private readonly Lazy<string> _dummyHash;

    public Passwords(IOptions<TavoloOptions> options)
    {
        _iterations = options.Value.Auth.PasswordIterations;
        _dummyHash = new(() => Hash("tavolo-timing-equaliser"));
    }

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, _iterations);
        return string.Join('$', Scheme, _iterations.ToString(CultureInfo.InvariantCulture),
            Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>Checks a password in constant time; <c>NeedsRehash</c> when it was hashed at a lower cost.</summary>
    public (bool Valid, bool NeedsRehash) Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var iterations))
            return (false, false);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Derive(password, Convert.FromBase64String(parts[2]), iterations);
        var valid = CryptographicOperations.FixedTimeEquals(actual, expected);
        return (valid, valid && iterations < _iterations);
    }

    /// <summary>Spends the same time as a real check, so that an unknown email answers as slowly as a wrong password.</summary>
    public void VerifyNothing(string password) => Verify(password, _dummyHash.Value);

    /// <summary>Null when the password is acceptable; otherwise why not.</summary>
    public static string? Weakness(string password, string? email)
    {
        if (password.Length is < MinLength or > MaxLength)
            return $"Must be {MinLength} to {MaxLength} characters.";
        if (Common.Value.Contains(password) || Common.Value.Contains(password.ToLowerInvariant()))
            return "This password is too common.";
        if (password.Distinct().Count() < 4)
            return "This password repeats too few characters.";
        var localPart = email?.Split('@')[0];
        if (localPart is { Length: >= 4 } && password.Contains(localPart, StringComparison.OrdinalIgnoreCase))
            return "The password must not contain the email address.";
        return null;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);

    private static HashSet<string> LoadCommonPasswords()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
                set.Add(line.Trim().ToLowerInvariant());
        }
        return set;
    }
}
