using System.Net;
using Tavolo.Platform;

namespace Tavolo.Tests.Security;

public sealed class FileModeTests(TavoloApp app) : IClassFixture<TavoloApp>
{
    [Fact]
    public async Task The_database_its_wal_the_key_ring_and_the_secret_are_owner_only()
    {
        if (TavoloApp.Storage != "sqlite" || OperatingSystem.IsWindows())
            return;
        var admin = await app.AdminAsync();
        using var client = admin.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users?limit=1")).StatusCode); // pages: the server secret signs cursors
        foreach (var name in new[] { "tavolo.db", "tavolo.db-wal", "signing-keys.json", "server.secret" })
        {
            var path = Path.Combine(app.DataDirectory, name);
            Assert.True(File.Exists(path), name);
            Assert.Equal(FileModes.OwnerOnly, File.GetUnixFileMode(path));
        }
        var shm = Path.Combine(app.DataDirectory, "tavolo.db-shm");
        if (File.Exists(shm))
            Assert.Equal(FileModes.OwnerOnly, File.GetUnixFileMode(shm));
    }

    [Fact]
    public void A_key_file_left_readable_by_others_is_tightened_when_read()
    {
        if (OperatingSystem.IsWindows())
            return;
        var directory = Directory.CreateTempSubdirectory("tavolo-modes-").FullName;
        try
        {
            var path = Path.Combine(directory, "server.secret");
            File.WriteAllText(path, "c2VjcmV0");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            Assert.Equal("c2VjcmV0", System.Text.Encoding.ASCII.GetString(DataDirectory.ReadOrCreate(path, () => [])));
            Assert.Equal(FileModes.OwnerOnly, File.GetUnixFileMode(path));
        }
        finally
        {
            Directory.Delete(directory, recursive: true); // tests leave nothing behind in the temp folder
        }
    }

    [Fact]
    public async Task A_backup_is_owner_only_from_its_first_byte()
    {
        if (OperatingSystem.IsWindows())
            return;
        var directory = Directory.CreateTempSubdirectory("tavolo-modes-").FullName;
        try
        {
            var source = Path.Combine(directory, "tavolo.db");
            await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + source + ";Pooling=False"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "CREATE TABLE secrets (hash TEXT); INSERT INTO secrets VALUES ('pbkdf2$...');";
                await command.ExecuteNonQueryAsync();
            }
            var target = Path.Combine(directory, "backups", "copy.db");
            Assert.Equal(0, await Tavolo.Storage.Sqlite.SqliteBackup.RunAsync(source, target, TextWriter.Null, TextWriter.Null));
            Assert.Equal(FileModes.OwnerOnly, File.GetUnixFileMode(target)); // was 0644 (umask 022): hashes and contacts readable by all
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
