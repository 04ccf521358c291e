using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Tavolo.Platform;

/// <summary>
/// One 256-bit server secret from which purpose-bound keys are derived (cursor signatures, ...).
/// Read from <c>Tavolo__Secret</c> (base64) when set, as on AWS; otherwise generated on first run into
/// <c>server.secret</c> beside the database and reused after.
/// </summary>
public sealed class ServerSecret
{
    private readonly byte[] _secret;

    public ServerSecret(IConfiguration configuration, IOptions<TavoloOptions> options)
    {
        var configured = configuration["Tavolo:Secret"];
        if (!string.IsNullOrEmpty(configured))
        {
            _secret = Convert.FromBase64String(configured);
            return;
        }
        var path = Path.Combine(DataDirectory.Of(options.Value), "server.secret");
        var text = DataDirectory.ReadOrCreate(path, () => Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        _secret = Convert.FromBase64String(Encoding.ASCII.GetString(text));
    }

    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, 32, info: Encoding.UTF8.GetBytes(purpose));
}

/// <summary>The folder beside the SQLite file, where first-run files (keys, secrets) are kept.</summary>
public static class DataDirectory
{
    public static string Of(TavoloOptions options) =>
        Path.GetDirectoryName(Path.GetFullPath(options.Sqlite.Path)) ?? Directory.GetCurrentDirectory();

    /// <summary>Reads a file, or creates it once (owner-only permissions) with what <paramref name="create"/> makes.</summary>
    public static byte[] ReadOrCreate(string path, Func<byte[]> create)
    {
        if (File.Exists(path))
        {
            FileModes.Tighten(path); // a file from an older version, or copied in with a wider mode
            return File.ReadAllBytes(path);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var content = create();
        try
        {
            // CreateNew: two processes starting at once on one data folder keep the first one's file.
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(path, fileOptions);
            stream.Write(content);
            return content;
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.ReadAllBytes(path);
        }
    }
}
