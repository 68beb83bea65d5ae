namespace Newsletter.Admin.Pages;

/// <summary>
/// One page of a list ordered newest (highest id) first, fetched by id, never by OFFSET: "older"
/// continues below the page's last id, "newer" goes back above its first.
/// </summary>
public sealed record KeysetPage<T>(IReadOnlyList<T> Items, long? OlderAfter, long? NewerBefore);

public static class KeysetPage
{
    /// <param name="older">Rows below an id (null: from the newest), newest first, at most the given count.</param>
    /// <param name="newer">Rows above an id, nearest first, at most the given count.</param>
    public static async Task<KeysetPage<T>> LoadAsync<T>(
        long? after, long? before, int size, Func<T, long> id, Func<long?, int, Task<IReadOnlyList<T>>> older, Func<long, int, Task<IReadOnlyList<T>>> newer)
    {
        List<T> items;
        if (before is { } b && after is null)
        {
            var rows = await newer(b, size + 1);
            items = rows.Take(size).Reverse().ToList();
            if (items.Count == 0)
            {
                return new KeysetPage<T>(items, null, null);
            }

            return new KeysetPage<T>(
                items,
                (await older(id(items[^1]), 1)).Count > 0 ? id(items[^1]) : null,
                rows.Count > size ? id(items[0]) : null);
        }

        var page = await older(after, size + 1);
        items = page.Take(size).ToList();
        if (items.Count == 0)
        {
            return new KeysetPage<T>(items, null, null);
        }

        return new KeysetPage<T>(
            items,
            page.Count > size ? id(items[^1]) : null,
            after is not null && (await newer(id(items[0]), 1)).Count > 0 ? id(items[0]) : null);
    }
}
