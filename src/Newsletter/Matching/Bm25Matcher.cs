namespace Newsletter.Matching;

/// <summary>
/// Matching v1: Okapi BM25 over each entry's title (counted twice: a title word says more than an
/// abstract word) and abstract. An entry's score for a subscriber is its best score over their
/// interest items, and that item is the reason shown.
/// </summary>
/// <remarks>
/// BM25 scores are not comparable between queries of different lengths, and a relevance threshold
/// needs them to be. Each item's score is therefore divided by what a document matching the item's
/// five most specific terms (highest IDF) fully would score, and capped at 1: a short interest
/// ("DPO") and a long topic (name plus a dozen keywords) land on one 0..1 scale.
/// </remarks>
public sealed class Bm25Matcher : IEntryMatcher
{
    public const double K1 = 1.2;
    public const double B = 0.75;
    public const int NormalisingTerms = 5;

    public IMatchingCorpus Index(IReadOnlyList<MatchableEntry> entries) => new Corpus(entries);

    private sealed class Corpus : IMatchingCorpus
    {
        private readonly IReadOnlyList<MatchableEntry> entries;
        private readonly Dictionary<string, List<(int Doc, int Tf)>> postings = new(StringComparer.Ordinal);
        private readonly int[] lengths;
        private readonly double averageLength;

        public Corpus(IReadOnlyList<MatchableEntry> entries)
        {
            this.entries = entries;
            lengths = new int[entries.Count];
            for (var doc = 0; doc < entries.Count; doc++)
            {
                var title = Tokenizer.Terms(entries[doc].Title);
                var terms = title.Concat(title).Concat(Tokenizer.Terms(entries[doc].Abstract));
                var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var term in terms)
                {
                    counts[term] = counts.GetValueOrDefault(term) + 1;
                    lengths[doc]++;
                }

                foreach (var (term, tf) in counts)
                {
                    if (!postings.TryGetValue(term, out var list))
                    {
                        postings[term] = list = [];
                    }

                    list.Add((doc, tf));
                }
            }

            averageLength = entries.Count == 0 ? 1 : Math.Max(1, lengths.Average());
        }

        public IReadOnlyList<EntryMatch> Rank(IReadOnlyList<InterestItem> items)
        {
            var best = new double[entries.Count];
            var winner = new InterestItem?[entries.Count];
            var scores = new double[entries.Count];
            foreach (var item in items)
            {
                var terms = Tokenizer.Terms(item.Query).Distinct(StringComparer.Ordinal).ToList();
                if (terms.Count == 0)
                {
                    continue;
                }

                var idfs = terms.Select(Idf).ToList();
                var normaliser = (K1 + 1) * idfs.OrderDescending().Take(NormalisingTerms).Sum();
                Array.Clear(scores);
                for (var i = 0; i < terms.Count; i++)
                {
                    if (!postings.TryGetValue(terms[i], out var list))
                    {
                        continue;
                    }

                    foreach (var (doc, tf) in list)
                    {
                        var norm = K1 * (1 - B + (B * lengths[doc] / averageLength));
                        scores[doc] += idfs[i] * tf * (K1 + 1) / (tf + norm);
                    }
                }

                for (var doc = 0; doc < scores.Length; doc++)
                {
                    var score = Math.Min(1, scores[doc] / normaliser);
                    if (score > best[doc])
                    {
                        best[doc] = score;
                        winner[doc] = item;
                    }
                }
            }

            return Enumerable.Range(0, entries.Count)
                .Where(doc => best[doc] > 0)
                .Select(doc => new EntryMatch(entries[doc], Math.Round(best[doc], 4), winner[doc]!))
                .OrderByDescending(m => m.Score)
                .ThenBy(m => m.Entry.Id)
                .ToList();
        }

        private double Idf(string term)
        {
            var df = postings.TryGetValue(term, out var list) ? list.Count : 0;
            return Math.Log(1 + ((entries.Count - df + 0.5) / (df + 0.5)));
        }
    }
}
