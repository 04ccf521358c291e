using Microsoft.Data.Sqlite;

namespace Tavolo.Storage.Sqlite;

/// <summary>
/// A connection of <see cref="SqliteDatabase"/>'s own pool that keeps its prepared statements: one command per SQL text,
/// prepared on first use and run again with new parameters after that (Microsoft.Data.Sqlite re-prepares a new command
/// every time, and closing a connection finalizes its commands, so its own pool cannot keep them). Disposing it hands
/// it back to the pool, open, unless it is in a transaction or the pool is full or gone; then it really closes.
/// Used by one operation at a time, like any connection.
/// </summary>
public sealed class PooledConnection : SqliteConnection
{
    /// <summary>Enough for every statement text the adapters use; texts built per call (IN lists) beyond it are not kept.</summary>
    public const int MaxStatements = 128;

    private readonly SqliteDatabase _pool;
    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);

    internal PooledConnection(SqliteDatabase pool, string connectionString) : base(connectionString) => _pool = pool;

    /// <summary>Statements kept for reuse, for tests.</summary>
    public int PreparedStatements => _statements.Count;

    /// <summary>True while a transaction is open on it (then it must not go back to the pool).</summary>
    internal bool InTransaction => Transaction is not null || InNativeTransaction(this);

    /// <summary>
    /// Whether SQLite itself has a transaction open on <paramref name="connection"/>, whatever Microsoft.Data.Sqlite's
    /// transaction object says: SQLite rolls the whole transaction back by itself on some errors (SQLITE_FULL, IOERR,
    /// NOMEM, BUSY, INTERRUPT), and a statement can BEGIN one behind that object's back.
    /// </summary>
    internal static bool InNativeTransaction(SqliteConnection connection) =>
        connection.Handle is { } handle && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0;

    /// <summary>The command for <paramref name="sql"/>, with no parameters, enlisted in the open transaction if any.</summary>
    internal SqliteCommand Rent(string sql)
    {
        // Taken out while in use: a second use of the same text before this one ends (a nested query) gets its own.
        if (!_statements.Remove(sql, out var command))
        {
            command = CreateCommand();
            command.CommandText = sql;
        }
        command.Transaction = Transaction;
        return command;
    }

    /// <summary>Keeps the command for the next use of its text; one that failed is dropped (its statement may be mid-step).</summary>
    internal void Return(SqliteCommand command, bool succeeded)
    {
        command.Parameters.Clear(); // no request's values stay referenced between uses
        command.Transaction = null;
        if (succeeded && _statements.Count < MaxStatements && _statements.TryAdd(command.CommandText, command))
            return;
        command.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _pool.TryReturn(this))
            return;
        _statements.Clear(); // the base closes them with the connection
        base.Dispose(disposing);
    }
}
