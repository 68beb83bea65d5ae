namespace Newsletter.Entries;

/// <summary>
/// One entry as the API and .jsonl files take it (<see cref="EntryParser"/> reads it by hand, to name
/// each bad field); this record only describes the shape in the OpenAPI document.
/// </summary>
/// <param name="Id">The source's identifier; an arXiv identifier is compared without its version.</param>
/// <param name="Abstract">Also accepted as <c>summary</c>.</param>
/// <param name="Upvotes">Popularity, optional.</param>
public sealed record EntryJson(string? Id, string Title, string? Abstract, string? Url, IReadOnlyList<string>? Authors, DateTimeOffset? PublishedAt, long? Upvotes);
