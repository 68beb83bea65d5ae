using System.Data.Common;

namespace Newsletter.Data;

/// <summary>Opens ready-to-use connections to the application database, whatever its dialect.</summary>
public interface IDbConnectionFactory
{
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);
}
