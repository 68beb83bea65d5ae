namespace Newsletter.Matching.Embeddings;

/// <summary>
/// Vectors are stored as half-precision floats: 768 bytes for 384 dimensions instead of 1,536, and a
/// cosine changes by well under 0.001, far below any difference the ranking acts on.
/// </summary>
public static class VectorBlob
{
    public static byte[] Pack(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * 2];
        for (var i = 0; i < vector.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), (Half)vector[i]);
        }

        return bytes;
    }

    public static float[] Unpack(ReadOnlySpan<byte> bytes)
    {
        var vector = new float[bytes.Length / 2];
        Unpack(bytes, vector);
        return vector;
    }

    public static void Unpack(ReadOnlySpan<byte> bytes, Span<float> into)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] = (float)BitConverter.ToHalf(bytes.Slice(i * 2, 2));
        }
    }
}
