namespace Newsletter.Matching.Embeddings;

/// <summary>
/// Computes the vectors of entries that have none: after every ingestion (a background job for the
/// API and feeds, inline for the import verb), before a digest run takes its cutoff, and once at start
/// in case a crash interrupted a round. Never per email.
/// </summary>
public sealed class EntryEmbeddings(EmbeddingStore store, ITextEmbedder embedder, MatchingOptions options, ILogger<EntryEmbeddings> logger) : IDisposable
{
    /// <summary>Big enough to keep both cores busy, small enough that each write transaction is short.</summary>
    private const int Chunk = 32;

    // One round at a time per process: two would embed the same entries twice.
    private readonly SemaphoreSlim oneRound = new(1, 1);

    /// <returns>How many entries got a vector.</returns>
    public async Task<int> EmbedPendingAsync(CancellationToken cancellationToken, IProgress<int>? progress = null)
    {
        if (options.Mode == MatchingMode.Lexical)
        {
            return 0;
        }

        await oneRound.WaitAsync(cancellationToken);
        try
        {
            var done = 0;
            var lastId = 0L;
            while (true)
            {
                // Paged by id: an entry whose vector could not be saved (its text changed meanwhile)
                // is left for the next round instead of coming back at once.
                var pending = await store.EntriesWithoutEmbeddingAsync(embedder.Model, lastId, Chunk, cancellationToken);
                if (pending.Count == 0)
                {
                    break;
                }

                var vectors = await Task.Run(() => embedder.Embed(pending.Select(e => EmbeddingText.ForEntry(e.Title, e.Abstract)).ToList(), cancellationToken), cancellationToken);
                await store.SaveEntryEmbeddingsAsync(embedder.Model, pending.Zip(vectors).ToList(), cancellationToken);
                done += pending.Count;
                lastId = pending[^1].Id;
                progress?.Report(done);
            }

            if (done > 0)
            {
                logger.LogInformation("Embedded {Count} entries with {Model}", done, embedder.Model);
            }

            return done;
        }
        finally
        {
            oneRound.Release();
        }
    }

    public void Dispose() => oneRound.Dispose();
}

/// <summary>The Hangfire face of <see cref="EntryEmbeddings"/>.</summary>
public sealed class EntryEmbeddingJob(EntryEmbeddings embeddings)
{
    [Hangfire.DisableConcurrentExecution(timeoutInSeconds: 600)]
    public Task RunAsync(CancellationToken cancellationToken) => embeddings.EmbedPendingAsync(cancellationToken);
}
