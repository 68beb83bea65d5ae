namespace Newsletter.Matching.Embeddings;

/// <summary>Turns text into unit-length vectors whose dot product measures closeness of meaning.</summary>
public interface ITextEmbedder
{
    /// <summary>Names the model; stored next to every vector so a model change re-embeds instead of mixing spaces.</summary>
    string Model { get; }

    int Dimensions { get; }

    /// <returns>One unit vector per text, in order.</returns>
    float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
