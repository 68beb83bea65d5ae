using System.Text.Json;
using Hangfire;
using Newsletter.Matching;
using Newsletter.Matching.Embeddings;

namespace Newsletter.Entries;

/// <summary>
/// Takes a batch of entries from any source (API, file, feed): each is parsed and validated on its
/// own, bad ones are rejected with a reason, and the good ones are written in one transaction, so a
/// batch lands whole or not at all.
/// </summary>
public sealed class EntryIngestion(EntryStore entries, IBackgroundJobClient jobs, MatchingOptions matching, TimeProvider clock, ILogger<EntryIngestion> logger)
{
    /// <param name="items">The entries with their position (batch index or file line) for error reports.</param>
    public async Task<IngestionResult> IngestAsync(IEnumerable<(int Position, JsonElement Element)> items, string source, CancellationToken cancellationToken)
    {
        var rejected = new List<RejectedEntry>();
        var valid = new List<EntryInput>();
        foreach (var (position, element) in items)
        {
            if (EntryParser.Parse(element, out var reason) is { } entry)
            {
                valid.Add(entry);
            }
            else
            {
                rejected.Add(new RejectedEntry(position, IdOf(element), reason!));
            }
        }

        int created = 0, updated = 0, duplicates = 0;
        await using var connection = await entries.OpenAsync(cancellationToken);
        await using var tx = await entries.BeginArrivalsAsync(connection, cancellationToken);
        // Taken under the arrivals lock, so arrival times follow commit order and no entry can
        // arrive "before" the cutoff of a digest run that was committed ahead of it.
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var entry in valid)
        {
            switch (await entries.UpsertAsync(tx, entry, source, now))
            {
                case EntryOutcome.Created: created++; break;
                case EntryOutcome.Updated: updated++; break;
                default: duplicates++; break;
            }
        }

        await tx.CommitAsync(cancellationToken);
        if (created + updated > 0 && matching.Mode != MatchingMode.Lexical)
        {
            // Embedding takes ~50 ms an entry: a job, so the caller does not wait for the model.
            jobs.Enqueue<EntryEmbeddingJob>(j => j.RunAsync(CancellationToken.None));
        }

        logger.LogInformation(
            "Ingested entries from {Source}: {Created} new, {Updated} updated, {Duplicates} duplicates, {Rejected} rejected",
            source, created, updated, duplicates, rejected.Count);
        return new IngestionResult(created, updated, duplicates, rejected);
    }

    private static string? IdOf(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var holder = element.TryGetProperty("paper", out var paper) && paper.ValueKind == JsonValueKind.Object ? paper : element;
        return holder.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
    }
}
