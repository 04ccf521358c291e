namespace Tavolo.Platform;

/// <summary>
/// Owner-only (0600) files for what must stay private on a shared host: the SQLite database and its WAL/SHM
/// (SQLite gives those the database file's mode), the signing key ring and the server secret. New files are created
/// so; files left by an older version with a wider mode are tightened at start-up. No-ops on Windows (ACLs).
/// </summary>
public static class FileModes
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates an empty owner-only file unless one exists (SQLite takes an empty file for a new database).</summary>
    public static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
            return;
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first.
        }
    }

    /// <summary>Takes group and other permissions off an existing file.</summary>
    public static void Tighten(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
            return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)) != 0)
            File.SetUnixFileMode(path, mode & OwnerOnly);
    }
}
