using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// <c>tavolo backup &lt;file&gt;</c>: a consistent copy of the live database while Tavolo serves traffic. <c>VACUUM INTO</c>
/// reads one snapshot inside a read transaction (WAL lets writers go on meanwhile) and writes a compact, self-contained
/// file with no -wal beside it; the copy is written under a temporary name, checked (<c>PRAGMA integrity_check</c>) and
/// only then moved to <c>&lt;file&gt;</c>, so a backup that died half-way never looks finished. Restore: docs/operations.md.
/// </summary>
public static class SqliteBackup
{
    public static async Task<int> RunAsync(string databasePath, string target, TextWriter output, TextWriter errors)
    {
        var source = Path.GetFullPath(databasePath);
        target = Path.GetFullPath(target);
        if (!File.Exists(source))
        {
            await errors.WriteLineAsync($"backup: no database at {source} (set Tavolo__Sqlite__Path, or run from the folder Tavolo runs in).");
            return 1;
        }
        if (File.Exists(target))
        {
            await errors.WriteLineAsync($"backup: {target} exists already; choose a new file.");
            return 1;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + ".partial";
        File.Delete(partial);
        try
        {
            // Owner-only from its first byte: a backup holds what the database holds (password hashes, webhook secrets,
            // guest tokens, guests' contacts). VACUUM INTO takes an empty file and keeps its mode.
            Platform.FileModes.CreateOwnerOnly(partial);
            var started = DateTime.UtcNow;
            await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 }.ToString()))
            {
                await connection.OpenAsync();
                await connection.ExecuteAsync("VACUUM INTO $target;", default, ("$target", partial));
            }
            await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder
            { DataSource = partial, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
            {
                await copy.OpenAsync();
                var check = Convert.ToString(await copy.ScalarAsync("PRAGMA integrity_check;", default), CultureInfo.InvariantCulture);
                if (check != "ok")
                {
                    await errors.WriteLineAsync($"backup: the copy failed its integrity check ({check}); nothing written to {target}.");
                    return 1;
                }
            }
            Platform.FileModes.Tighten(partial);
            File.Move(partial, target);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"backup: {source} -> {target} ({new FileInfo(target).Length} bytes, integrity ok, {(DateTime.UtcNow - started).TotalMilliseconds:0} ms)"));
            return 0;
        }
        catch (SqliteException e)
        {
            await errors.WriteLineAsync($"backup: {e.Message}");
            return 1;
        }
        finally
        {
            File.Delete(partial);
        }
    }
}
