using Newsletter.Delivery;
using Newsletter.Matching;
using Newsletter.Matching.Learning;
using Newsletter.Tests.Matching;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// Delivery plans a chunk of subscribers together (one kernel pass for all their items); each one's
/// digest must be exactly what choosing it alone gives. Two windows: a short one whose items are all
/// cached and whose feedback comes from the entry-to-entry cosines, and a long one whose cache is
/// already full, so items are scored only as far as each subscriber's limit and feedback takes a
/// second kernel pass. Each side has its own corpus, warmed the same way, so neither reads what the
/// other computed.
/// </summary>
public sealed class ChunkedSelectionTests
{
    private static readonly string[] Vocabulary = Enumerable.Range(0, 60).Select(i => $"term{i}").ToArray();

    [Theory]
    [InlineData(150, 48, 0, true)] // 150 entries: remainders in every kernel path
    [InlineData(150, 48, 0, false)] // moved queries through a second kernel pass
    [InlineData(16_000, 16, 400, true)] // the cache full after 400 warm-up items (it holds 262 here): spans are the subscribers' limits
    public void EachSubscribersPicks_AreThoseOfSelectingThemAlone(int entryCount, int dimensions, int warmUp, bool precomputed)
    {
        var random = new Random(entryCount + dimensions);
        var entries = Enumerable.Range(0, entryCount).Select(i => new CandidateEntry
        {
            Id = 1_000 + i,
            Title = Words(random, 4),
            Abstract = Words(random, 30),
            Upvotes = random.Next(5),
            Vector = i % 37 == 5 ? null : SyntheticVectors.RandomUnit(random, dimensions), // some arrived without a vector
        }).ToList();
        var topics = Enumerable.Range(0, 6).Select(t => Item(random, entries, dimensions, $"topic {t}")).ToList();
        var warmItems = Enumerable.Range(0, warmUp).Select(w => Item(random, entries, dimensions, $"warm {w}")).ToList();
        var requests = Enumerable.Range(0, 40).Select(s => Request(random, entries, dimensions, topics, s)).ToList();
        var digest = new DigestOptions { Threshold = 0.05, MaxEntries = 6 };

        var alone = Warmed(entries, precomputed, topics, warmItems);
        var together = Warmed(entries, precomputed, topics, warmItems);
        var expected = requests.Select(r => DigestSelector.Select(entries, r.Allowed, r.Items, alone, digest, r.Profile, r.ScoreLimit)).ToList();
        var actual = DigestSelector.SelectMany(entries, requests, together, digest);

        Assert.True(expected.Sum(p => p.Count) > 40, "too few picks to compare");
        for (var s = 0; s < requests.Count; s++)
        {
            Assert.Equal(expected[s], actual[s]);
        }
    }

    [Fact]
    public void EachSubscribersScores_AreTheBitsOfScoringThemAlone()
    {
        var random = new Random(7);
        const int Dimensions = 40;
        var entries = Enumerable.Range(0, 203).Select(i => new CandidateEntry { Id = i, Title = Words(random, 4), Abstract = Words(random, 30), Vector = SyntheticVectors.RandomUnit(random, Dimensions) }).ToList();
        var topics = Enumerable.Range(0, 3).Select(t => Item(random, entries, Dimensions, $"topic {t}")).ToList();
        var requests = Enumerable.Range(0, 25).Select(s => Request(random, entries, Dimensions, topics, s)).Select(r => new ScoringRequest(r.Items, r.ScoreLimit)).ToList();
        var alone = Warmed(entries, precomputed: true, topics, []);
        var together = Warmed(entries, precomputed: true, topics, []);

        together.ScoreMany(requests, new ScoreSheet(), (s, sheet) =>
        {
            var expected = new ScoreSheet();
            alone.Score(requests[s].Items, expected, requests[s].Limit);
            var limit = Math.Min(requests[s].Limit, entries.Count);
            Assert.Equal(expected.Item.AsSpan(0, limit).ToArray(), sheet.Item.AsSpan(0, limit).ToArray());
            Assert.Equal(Bits(expected.Score, limit), Bits(sheet.Score, limit));
            Assert.Equal(Bits(expected.Lexical, expected.Item, limit), Bits(sheet.Lexical, sheet.Item, limit));
            Assert.Equal(Bits(expected.Semantic, expected.Item, limit), Bits(sheet.Semantic, sheet.Item, limit));
        });
    }

    private static int[] Bits(float[] values, int limit) => values.Take(limit).Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>The signals mean something only where an item won the entry.</summary>
    private static int[] Bits(float[] values, int[] winners, int limit) => values.Take(limit).Select((v, doc) => winners[doc] >= 0 ? BitConverter.SingleToInt32Bits(v) : 0).ToArray();

    /// <summary>A corpus of the entries whose cache already holds the topics and the warm-up items, as one a run has been using.</summary>
    private static IMatchingCorpus Warmed(List<CandidateEntry> entries, bool precomputed, List<InterestItem> topics, List<InterestItem> warmItems)
    {
        var options = new MatchingOptions { PrecomputedSimilarities = precomputed };
        var corpus = new HybridMatcher(options).Index(entries.Select(e => new MatchableEntry(e.Id, e.Title, e.Abstract) { Vector = e.Vector }).ToList());
        foreach (var item in topics.Concat(warmItems))
        {
            corpus.Score([item], new ScoreSheet());
        }

        return corpus;
    }

    /// <summary>
    /// A subscriber with 0 to 5 items: shared topics (cached) and lines of their own (not), some without
    /// a vector; a limit anywhere in the window; every third with thumbs; some entries already sent.
    /// </summary>
    private static SelectionRequest Request(Random random, List<CandidateEntry> entries, int dimensions, List<InterestItem> topics, int subscriber)
    {
        var items = new List<InterestItem>();
        for (var i = 0; i < subscriber % 6; i++)
        {
            items.Add(random.Next(3) == 0 ? topics[random.Next(topics.Count)] : Item(random, entries, dimensions, $"line {subscriber}.{i}", withVector: random.Next(5) > 0));
        }

        var limit = subscriber % 4 == 0 ? int.MaxValue : random.Next(1, entries.Count + 1);
        var allowed = entries.Where(_ => random.Next(10) > 0).Select(e => e.Id).ToHashSet();
        var profile = subscriber % 3 == 0 ? ReaderProfile.Learn(Ratings(random, entries), new MatchingOptions()) : null;
        return new SelectionRequest(allowed, items, profile, limit);
    }

    private static List<RatedEntry> Ratings(Random random, List<CandidateEntry> entries) =>
        Enumerable.Range(0, random.Next(1, 9))
            .Select(_ => entries[random.Next(entries.Count)])
            .Where(e => e.Vector is not null)
            .Select(e => new RatedEntry(e.Id, random.Next(2) == 0, e.Title, e.Vector!))
            .ToList();

    /// <summary>An item whose words and vector lean towards one entry, so that some entries qualify.</summary>
    private static InterestItem Item(Random random, List<CandidateEntry> entries, int dimensions, string label, bool withVector = true)
    {
        var near = entries[random.Next(entries.Count)];
        var query = $"{string.Join(' ', near.Title.Split(' ').Take(2))} {Words(random, 1)}";
        var vector = withVector ? SyntheticVectors.Near(random, near.Vector ?? SyntheticVectors.RandomUnit(random, dimensions), 1.2) : null;
        return new InterestItem(label, query) { Vector = vector, EmbeddingText = $"{query} ({label})" };
    }

    private static string Words(Random random, int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(_ => Vocabulary[(int)(Vocabulary.Length * Math.Pow(random.NextDouble(), 2))]));
}
