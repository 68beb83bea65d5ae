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
        var w = new double[dimensions];
        var b = 0.0;
        // Classes weighted to balance: readers rate far more of one kind than the other.
        var likes = examples.Count(e => e.Liked);
        var dislikes = examples.Count - likes;
        var weightOf = (bool liked) => examples.Count / (2.0 * (liked ? Math.Max(1, likes) : Math.Max(1, dislikes)));
        var gradient = new double[dimensions];
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            Array.Clear(gradient);
            var gradientBias = 0.0;
            foreach (var (x, liked) in examples)
            {
                var z = b;
                for (var i = 0; i < dimensions; i++)
                {
                    z += w[i] * x[i];
                }

                var error = (Sigmoid(z) - (liked ? 1 : 0)) * weightOf(liked);
                for (var i = 0; i < dimensions; i++)
                {
                    gradient[i] += error * x[i];
                }

                gradientBias += error;
            }

            for (var i = 0; i < dimensions; i++)
            {
                w[i] -= learningRate * ((gradient[i] / examples.Count) + (l2 * w[i]));
            }

            b -= learningRate * gradientBias / examples.Count;
        }

        return new LogisticModel(w.Select(v => (float)v).ToArray(), b);
    }

    public double Probability(ReadOnlySpan<float> vector) => Sigmoid(Embeddings.VectorMath.Dot(weights, vector) + bias);

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
