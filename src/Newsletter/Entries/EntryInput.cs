namespace Newsletter.Entries;

/// <summary>One entry after parsing and validation, with the keys it is deduplicated on.</summary>
/// <param name="Topics">Topic slugs its source put it under; slugs we do not have are ignored.</param>
public sealed record EntryInput(
    string SourceKey,
    string? UrlKey,
    string? SourceId,
    int Version,
    string Title,
    string Abstract,
    string? Url,
    IReadOnlyList<string> Authors,
    DateTimeOffset? PublishedAt,
    long Upvotes,
    IReadOnlyList<string>? Topics = null);

/// <summary>An entry that was not taken, and why. <see cref="Index"/> is its place in the batch (0-based) or its file line.</summary>
public sealed record RejectedEntry(int Index, string? Id, string Reason);

/// <summary>What one batch did: the shape of the <c>POST /api/entries</c> answer.</summary>
public sealed record IngestionResult(int Created, int Updated, int Duplicates, IReadOnlyList<RejectedEntry> Rejected);
