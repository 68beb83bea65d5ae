using Dapper;
using Newsletter.Data;

namespace Newsletter.Admin.Pages;

/// <summary>
/// The admin pages' "erase": deletes the subscriber and, by cascade, everything held about them
/// (topics, interests, consent trail, deliveries, thumbs). The GDPR erase of issue 11 (a hashed
/// suppression entry so a later import does not mail the address again) is built beside this one;
/// the two are meant to become one at merge, this page then calling that.
/// </summary>
public sealed class SubscriberEraser(IDbConnectionFactory connections, SqlCatalog sql, ILogger<SubscriberEraser> logger)
{
    private readonly string delete = sql["admin-delete-subscriber"];

    /// <returns>false when there was no such subscriber.</returns>
    public async Task<bool> EraseAsync(long subscriberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var erased = await connection.ExecuteAsync(delete, new { Id = subscriberId }) == 1;
        if (erased)
        {
            // The id only: the address is what was erased.
            logger.LogInformation("Subscriber {SubscriberId} erased from the admin pages", subscriberId);
        }

        return erased;
    }
}
