using Newsletter.Matching;

namespace Newsletter.Delivery;

/// <summary>A window of entries, read and indexed for matching, with its entries by popularity (for the trending pick).</summary>
public sealed record IndexedWindow(IReadOnlyList<CandidateEntry> Entries, IMatchingCorpus Corpus)
{
    public IReadOnlyList<CandidateEntry> ByPopularity { get; } = DigestSelector.ByPopularity(Entries);
}

/// <summary>
/// The indexed windows of this process, shared by every batch job of a run: the entries up to a
/// cutoff are fixed once the run took it, and the corpus keeps the scores of items many subscribers
/// share (topics, common interests), so the run reads, indexes and scores them once, not once per batch.
/// A few windows are kept (subscribers whose last digest was on another day have another window),
/// each for a quarter of an hour after its last use.
/// </summary>
public sealed class WindowCache(TimeProvider clock)
{
    private const int MaxWindows = 8;
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(15);
    private readonly Dictionary<(DateTime From, DateTime Cutoff), Entry> windows = [];
    private readonly Lock gate = new();

    /// <summary>Drops every window: entries in them changed (an operator hid or deleted one).</summary>
    public void Forget()
    {
        lock (gate)
        {
            windows.Clear();
        }
    }

    public async Task<IndexedWindow> GetAsync(DateTime from, DateTime cutoff, Func<Task<IndexedWindow>> load)
    {
        Entry entry;
        lock (gate)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var stale in windows.Where(w => now - w.Value.LastUsed > KeepFor).Select(w => w.Key).ToList())
            {
                windows.Remove(stale);
            }

            if (!windows.TryGetValue((from, cutoff), out entry!))
            {
                if (windows.Count >= MaxWindows)
                {
                    windows.Remove(windows.MinBy(w => w.Value.LastUsed).Key);
                }

                // Lazy: the batch jobs of a run all arrive at once, and one of them loads the window.
                entry = new Entry(new Lazy<Task<IndexedWindow>>(load, LazyThreadSafetyMode.ExecutionAndPublication));
                windows[(from, cutoff)] = entry;
            }

            entry.LastUsed = now;
        }

        try
        {
            return await entry.Window.Value;
        }
        catch
        {
            lock (gate)
            {
                windows.Remove((from, cutoff)); // a failed read is tried again by the next caller
            }

            throw;
        }
    }

    private sealed class Entry(Lazy<Task<IndexedWindow>> window)
    {
        public Lazy<Task<IndexedWindow>> Window { get; } = window;

        public DateTime LastUsed { get; set; }
    }
}
