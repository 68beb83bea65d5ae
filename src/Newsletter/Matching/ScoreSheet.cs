using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Newsletter.Matching;

/// <summary>
/// One subscriber's scores over a corpus, reused from subscriber to subscriber: per entry the best
/// probability of relevance, its cosine and keyword signals, and the winning item.
/// </summary>
public sealed class ScoreSheet
{
    public float[] Score { get; private set; } = [];
    public float[] Lexical { get; private set; } = [];
    public float[] Semantic { get; private set; } = [];

    /// <summary>Index of the winning item, -1 when no item scored the entry.</summary>
    public int[] Item { get; private set; } = [];

    /// <summary>How many entries (a prefix) the last subscriber's scores were written to: only those need clearing for the next.</summary>
    private int written;

    public void Reset(int entries)
    {
        if (Score.Length != entries)
        {
            Score = new float[entries];
            Lexical = new float[entries];
            Semantic = new float[entries];
            Item = new int[entries];
            written = entries;
        }

        // A long window (30 days) of which a subscriber is sent only the newest: clearing all of it for
        // every subscriber cost more than scoring the prefix.
        Array.Clear(Score, 0, written);
        Array.Fill(Item, -1, 0, written);
        written = 0;
    }

    /// <summary>
    /// Takes item number <paramref name="index"/>'s scores for the first <paramref name="limit"/>
    /// entries where it is the first item (every entry is unclaimed after <see cref="Reset"/>) or beats
    /// the best so far: every item's score is a calibrated probability, so the item that wins an entry
    /// is simply the one most likely to want it. Eight entries at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Take(ItemScores item, int index, int limit)
    {
        written = Math.Max(written, limit);
        if (index == 0)
        {
            item.Fused.AsSpan(0, limit).CopyTo(Score);
            item.Lexical.AsSpan(0, limit).CopyTo(Lexical);
            item.Semantic.AsSpan(0, limit).CopyTo(Semantic);
            Item.AsSpan(0, limit).Clear();
            return;
        }

        var doc = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var winner = Vector256.Create(index);
            for (; doc <= limit - Vector256<float>.Count; doc += Vector256<float>.Count)
            {
                var score = Vector256.Create(item.Fused.AsSpan(doc));
                var best = Vector256.Create(Score.AsSpan(doc));
                var beats = Vector256.GreaterThan(score, best);
                if (beats == Vector256<float>.Zero)
                {
                    continue;
                }

                Vector256.ConditionalSelect(beats, score, best).CopyTo(Score.AsSpan(doc));
                Vector256.ConditionalSelect(beats, Vector256.Create(item.Lexical.AsSpan(doc)), Vector256.Create(Lexical.AsSpan(doc))).CopyTo(Lexical.AsSpan(doc));
                Vector256.ConditionalSelect(beats, Vector256.Create(item.Semantic.AsSpan(doc)), Vector256.Create(Semantic.AsSpan(doc))).CopyTo(Semantic.AsSpan(doc));
                Vector256.ConditionalSelect(beats.AsInt32(), winner, Vector256.Create(Item.AsSpan(doc))).CopyTo(Item.AsSpan(doc));
            }
        }

        for (; doc < limit; doc++)
        {
            if (item.Fused[doc] > Score[doc])
            {
                Score[doc] = item.Fused[doc];
                Lexical[doc] = item.Lexical[doc];
                Semantic[doc] = item.Semantic[doc];
                Item[doc] = index;
            }
        }
    }

    public EntryMatch MatchAt(int doc, MatchableEntry entry, IReadOnlyList<InterestItem> items) =>
        new(entry, Math.Round(Score[doc], 4), items[Item[doc]], Math.Round(Lexical[doc], 4), Math.Round(Semantic[doc], 4));
}
