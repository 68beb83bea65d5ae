using Dapper;
using Newsletter.Data;
using Newsletter.Delivery;

namespace Newsletter.Admin.Pages;

public sealed class EntryListRow
{
    public long Id { get; init; }
    public string? SourceId { get; init; }
    public string Title { get; init; } = "";
    public string? Url { get; init; }
    public long Upvotes { get; init; }
    public DateTime ArrivedAt { get; init; }
    public DateTime? HiddenAt { get; init; }
}

/// <summary>The admin pages' entries: search by title with keyset paging; hide, show again, delete.</summary>
public sealed class AdminEntryQueries(IDbConnectionFactory connections, SqlCatalog sql, WindowCache windows, TimeProvider clock)
{
    private readonly string older = sql["admin-search-entries-older"];
    private readonly string newer = sql["admin-search-entries-newer"];
    private readonly string hide = sql["admin-hide-entry"];
    private readonly string show = sql["admin-show-entry"];
    private readonly string delete = sql["admin-delete-entry"];

    public Task<KeysetPage<EntryListRow>> SearchAsync(string? search, long? after, long? before, int size, CancellationToken cancellationToken)
    {
        var pattern = SubscriberFilter.Like(search);
        return KeysetPage.LoadAsync<EntryListRow>(after, before, size, r => r.Id,
            (a, limit) => QueryAsync(older, new { After = a, Pattern = pattern, Limit = limit }, cancellationToken),
            (b, limit) => QueryAsync(newer, new { Before = b, Pattern = pattern, Limit = limit }, cancellationToken));
    }

    public Task<bool> HideAsync(long id, CancellationToken cancellationToken) => ChangeAsync(hide, id, cancellationToken);

    public Task<bool> ShowAsync(long id, CancellationToken cancellationToken) => ChangeAsync(show, id, cancellationToken);

    public Task<bool> DeleteAsync(long id, CancellationToken cancellationToken) => ChangeAsync(delete, id, cancellationToken);

    private async Task<bool> ChangeAsync(string statement, long id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(statement, new { Id = id, Now = clock.GetUtcNow().UtcDateTime }) == 1;
        // This process's indexed windows were read before the change; the next digest reads them afresh.
        windows.Forget();
        return changed;
    }

    private async Task<IReadOnlyList<EntryListRow>> QueryAsync(string query, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<EntryListRow>(query, parameters)).AsList();
    }
}
