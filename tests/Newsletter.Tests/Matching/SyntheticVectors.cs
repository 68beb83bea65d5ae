namespace Newsletter.Tests.Matching;

/// <summary>Deterministic unit vectors for tests that need embeddings without the model.</summary>
internal static class SyntheticVectors
{
    public static float[] RandomUnit(Random random, int dimensions)
    {
        var v = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            // Box–Muller: normal components give a direction uniform on the sphere.
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return Normalise(v);
    }

    /// <summary>A unit vector close to <paramref name="centre"/>: the centre plus <paramref name="noise"/> times a random direction.</summary>
    public static float[] Near(Random random, float[] centre, double noise)
    {
        var direction = RandomUnit(random, centre.Length);
        return Normalise(centre.Select((c, i) => (float)(c + (noise * direction[i]))).ToArray());
    }

    /// <summary>The i-th standard basis vector.</summary>
    public static float[] Axis(int i, int dimensions)
    {
        var v = new float[dimensions];
        v[i] = 1;
        return v;
    }

    /// <summary>The unit vector along a·x + b·y.</summary>
    public static float[] Mix(double a, float[] x, double b, float[] y) =>
        Normalise(x.Select((xi, i) => (float)((a * xi) + (b * y[i]))).ToArray());

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    public static float[] Normalise(float[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => (float)(x / norm)).ToArray();
    }
}
