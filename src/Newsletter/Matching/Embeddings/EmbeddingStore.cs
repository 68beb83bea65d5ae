using Dapper;
using Newsletter.Data;

namespace Newsletter.Matching.Embeddings;

/// <summary>Reads and writes stored vectors of entries and interest texts.</summary>
public sealed class EmbeddingStore(IDbConnectionFactory connections, SqlCatalog sql, TimeProvider clock)
{
    private readonly string listMissing = sql["list-entries-without-embedding"];
    private readonly string saveEntry = sql["save-entry-embedding"];
    private readonly string listTexts = sql["list-text-embeddings"];
    private readonly string saveText = sql["save-text-embedding"];
    private readonly string listInterestTexts = sql["list-active-interest-texts"];

    public async Task<IReadOnlyList<string>> ActiveInterestTextsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<string>(listInterestTexts)).AsList();
    }

    public async Task<IReadOnlyList<UnembeddedEntry>> EntriesWithoutEmbeddingAsync(string model, long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<UnembeddedEntry>(listMissing, new { Model = model, After = after, Limit = limit })).AsList();
    }

    /// <summary>One short write transaction for the whole chunk: the write lock is what delivery waits on.</summary>
    public async Task SaveEntryEmbeddingsAsync(string model, IReadOnlyList<(UnembeddedEntry Entry, float[] Vector)> vectors, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (entry, vector) in vectors)
        {
            await connection.ExecuteAsync(saveEntry, new { entry.Id, Model = model, Vector = VectorBlob.Pack(vector), entry.Title, entry.Abstract }, tx);
        }

        await tx.CommitAsync(cancellationToken);
    }

    public async Task<Dictionary<string, float[]>> TextEmbeddingsAsync(string model, IReadOnlyCollection<string> texts, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (texts.Count == 0)
        {
            return found;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        // SQLite allows 32,766 parameters; chunks of 500 stay far below it.
        foreach (var chunk in texts.Chunk(500))
        {
            foreach (var row in await connection.QueryAsync<(string Text, byte[] Vector)>(listTexts, new { Model = model, Texts = chunk }))
            {
                found[row.Text] = VectorBlob.Unpack(row.Vector);
            }
        }

        return found;
    }

    public async Task SaveTextEmbeddingsAsync(string model, IReadOnlyList<(string Text, float[] Vector)> vectors, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (text, vector) in vectors)
        {
            await connection.ExecuteAsync(saveText, new { Model = model, Text = text, Vector = VectorBlob.Pack(vector), Now = now }, tx);
        }

        await tx.CommitAsync(cancellationToken);
    }
}

public sealed class UnembeddedEntry
{
    public long Id { get; init; }
    public string Title { get; init; } = "";
    public string Abstract { get; init; } = "";
}
