using System.Collections.Concurrent;
using Newsletter.Matching;

namespace Newsletter.Delivery;

/// <summary>
/// Interest items prepared for matching (the glossary's wordings, the vector), kept for the life of
/// the process: thousands of subscribers share a topic or a common interest line, and an item's
/// preparation depends on its text alone. An item still without a vector is not kept, so the vector
/// the warmup computes later is picked up.
/// </summary>
public sealed class PreparedInterests(InterestPreparation preparation, MatchingOptions options)
{
    private const int MaxItems = 100_000;
    private readonly ConcurrentDictionary<(string Label, string Query), InterestItem> prepared = new();

    /// <returns>The items prepared, in the order given.</returns>
    public async Task<IReadOnlyList<InterestItem>> PrepareAsync(IReadOnlyList<InterestItem> items)
    {
        var missing = items.Where(i => !prepared.ContainsKey((i.Label, i.Query))).DistinctBy(i => (i.Label, i.Query)).ToList();
        if (missing.Count == 0)
        {
            return items.Select(i => prepared[(i.Label, i.Query)]).ToList();
        }

        var done = (await preparation.PrepareAsync(missing)).ToDictionary(i => (i.Label, i.Query));
        if (prepared.Count + done.Count > MaxItems)
        {
            prepared.Clear(); // a crude bound: the next chunks prepare what they need again
        }

        foreach (var (key, item) in done)
        {
            if (item.Vector is not null || options.Mode == MatchingMode.Lexical)
            {
                prepared[key] = item;
            }
        }

        return items.Select(i => prepared.TryGetValue((i.Label, i.Query), out var item) ? item : done[(i.Label, i.Query)]).ToList();
    }
}
