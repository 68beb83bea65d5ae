using System.Data.Common;

namespace Newsletter.Data;

/// <summary>
/// The seam between the service and its database: opens ready-to-use connections and knows what
/// its dialect needs to serialise the few writes whose order matters. Everything else is plain SQL
/// from the dialect's named query files (<see cref="SqlCatalog"/>).
/// </summary>
public interface IDbConnectionFactory
{
    /// <summary><c>Sqlite</c> or <c>Postgres</c>: the folder of the query and migration files.</summary>
    string Dialect { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A transaction that runs alone among the transactions opened with the same <paramref name="order"/>,
    /// across every process on the database. SQLite has one writer at a time anyway (BEGIN IMMEDIATE);
    /// PostgreSQL takes a transaction-scoped advisory lock, released at commit or rollback.
    /// </summary>
    Task<DbTransaction> BeginSerializedAsync(DbConnection connection, WriteOrder order, CancellationToken cancellationToken = default);

    /// <summary>Once per start, before migrations: checks that the database answers and sets what is stored in it.</summary>
    Task PrepareAsync(CancellationToken cancellationToken = default);
}

/// <summary>Writes that must not interleave with others of their kind, whichever process makes them.</summary>
public enum WriteOrder
{
    /// <summary>Migrations: of two processes starting together, one applies them, the other then sees them applied.</summary>
    Schema = 1,

    /// <summary>Seeding the default topics once.</summary>
    TopicSeeding = 2,

    /// <summary>
    /// Entry arrivals and digest-run cutoffs: an import that commits after a run was created also took
    /// its arrival time after the run's cutoff, so no entry lands behind a cutoff unseen.
    /// </summary>
    EntryArrivals = 3,

    /// <summary>Checking and recording the keys a starting process shares with its peers.</summary>
    KeyFingerprints = 4,
}
