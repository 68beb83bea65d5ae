using System.Buffers;
using System.Text.Unicode;

namespace Newsletter.Subscriptions.Import;

/// <summary>
/// Checks a byte stream for UTF-8 chunk by chunk, as it arrives, and says where the first invalid
/// byte is: its line (counted by line feeds) and its offset in the file. A sequence split across two
/// chunks is carried over, not mistaken for an error.
/// </summary>
public sealed class Utf8Checker
{
    private readonly byte[] carry = new byte[4];
    private readonly char[] scratch = new char[8192];
    private int carried;
    private long offset;
    private long line = 1;

    /// <summary>Where the first invalid byte was found: 1-based line, 0-based byte offset in the file.</summary>
    public (long Line, long Offset)? Invalid { get; private set; }

    /// <returns>false once an invalid byte is found.</returns>
    public bool Check(ReadOnlySpan<byte> chunk, bool final)
    {
        if (Invalid is not null)
        {
            return false;
        }

        if (carried > 0)
        {
            // Finish the sequence the previous chunk ended in the middle of, byte by byte.
            while (carried < carry.Length && chunk.Length > 0)
            {
                carry[carried++] = chunk[0];
                chunk = chunk[1..];
                var status = Utf8.ToUtf16(carry.AsSpan(0, carried), scratch, out var read, out _, replaceInvalidSequences: false, isFinalBlock: false);
                if (status == OperationStatus.Done && read == carried)
                {
                    Advance(carry.AsSpan(0, carried));
                    carried = 0;
                    break;
                }

                if (status == OperationStatus.InvalidData)
                {
                    return Fail(read);
                }
            }

            if (carried > 0 && (final || carried == carry.Length))
            {
                return Fail(0);
            }
        }

        while (chunk.Length > 0)
        {
            var status = Utf8.ToUtf16(chunk, scratch, out var read, out _, replaceInvalidSequences: false, isFinalBlock: final);
            Advance(chunk[..read]);
            chunk = chunk[read..];
            switch (status)
            {
                case OperationStatus.InvalidData:
                    return Fail(0);
                case OperationStatus.NeedMoreData:
                    chunk.CopyTo(carry);
                    carried = chunk.Length;
                    return true;
            }
        }

        return true;
    }

    private void Advance(ReadOnlySpan<byte> valid)
    {
        offset += valid.Length;
        line += valid.Count((byte)'\n');
    }

    private bool Fail(int intoCarry)
    {
        Invalid = (line, offset + intoCarry);
        return false;
    }
}
