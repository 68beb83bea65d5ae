namespace Newsletter.Matching.Learning;

/// <summary>
/// A per-subscriber logistic regression on entry embeddings: p(like) = σ(w·x + b). Trained by plain
/// gradient descent with an L2 penalty strong enough for a handful of ratings in 384 dimensions:
/// with eight examples an unpenalised model would separate them perfectly and learn nothing general.
/// </summary>
public sealed class LogisticModel
{
    private readonly float[] weights;
    private readonly double bias;

    private LogisticModel(float[] weights, double bias)
    {
        this.weights = weights;
        this.bias = bias;
    }

    public static LogisticModel Train(IReadOnlyList<(float[] Vector, bool Liked)> examples, double l2 = 0.01, int epochs = 200, double learningRate = 0.5)
    {
        var dimensions = examples[0].Vector.Length;
        var w = new float[dimensions];
        var b = 0.0;
        // Classes weighted to balance: readers rate far more of one kind than the other.
        var likes = examples.Count(e => e.Liked);
        var dislikes = examples.Count - likes;
        var likedWeight = examples.Count / (2.0 * Math.Max(1, likes));
        var dislikedWeight = examples.Count / (2.0 * Math.Max(1, dislikes));
        var gradient = new float[dimensions];
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            Array.Clear(gradient);
            var gradientBias = 0.0;
            foreach (var (x, liked) in examples)
            {
                var z = b + Embeddings.VectorMath.Dot(w, x);
                var error = (Sigmoid(z) - (liked ? 1 : 0)) * (liked ? likedWeight : dislikedWeight);
                AddScaled(gradient, x, (float)error);
                gradientBias += error;
            }

            // w -= rate × (gradient / n + l2 × w), one vectorised pass.
            var decay = (float)(1 - (learningRate * l2));
            for (var i = 0; i < dimensions; i++)
            {
                w[i] = (decay * w[i]) - (float)(learningRate / examples.Count * gradient[i]);
            }

            b -= learningRate * gradientBias / examples.Count;
        }

        return new LogisticModel(w, b);
    }

    /// <summary>into += scale × x, eight lanes at a time.</summary>
    private static void AddScaled(Span<float> into, ReadOnlySpan<float> x, float scale)
    {
        var width = System.Numerics.Vector<float>.Count;
        var i = 0;
        for (; i <= into.Length - width; i += width)
        {
            (new System.Numerics.Vector<float>(into[i..]) + (new System.Numerics.Vector<float>(x[i..]) * scale)).CopyTo(into[i..]);
        }

        for (; i < into.Length; i++)
        {
            into[i] += scale * x[i];
        }
    }

    public int Dimensions => weights.Length;

    public double Probability(ReadOnlySpan<float> vector) => Sigmoid(Embeddings.VectorMath.Dot(weights, vector) + bias);

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
