using Newsletter.Delivery;
using Newsletter.Matching.Embeddings;
using Newsletter.Matching.Learning;

namespace Newsletter.Matching.Evaluation;

/// <summary>
/// A reader whose real interest is one of the set's labelled interests, hidden from the service: they
/// subscribe with a broader line (the interest's <c>stated</c>, "model compression" for KD), get one digest a "day" (the corpus in arrival order, 20 entries a
/// day), and rate every entry in it, thumbs up when the judgements say it is relevant. The digest is
/// chosen by the real <see cref="DigestSelector"/> with the profile learned from the ratings so far.
/// </summary>
public static class SimulatedReader
{
    public const int EntriesPerDay = 20;

    /// <returns>Per day: entries sent, relevant among them, and relevant among the day's new entries.</returns>
    public static IReadOnlyList<(int Sent, int Relevant, int Available)> Run(
        LabelledSet set, IReadOnlyList<MatchableEntry> embedded, JudgedInterest hidden, InterestItem stated,
        HybridMatcher matcher, DigestOptions digest, bool learn)
    {
        var rated = new List<RatedEntry>();
        var days = new List<(int, int, int)>();
        for (var day = 0; day * EntriesPerDay < embedded.Count; day++)
        {
            // The index holds everything seen so far, as the service's 30-day statistics span would.
            var seen = embedded.Take((day + 1) * EntriesPerDay).ToList();
            var candidates = seen.Select(e => new CandidateEntry { Id = e.Id, Title = e.Title, Abstract = e.Abstract, Upvotes = set.Corpus[(int)e.Id].Upvotes, Vector = e.Vector }).ToList();
            var today = seen.Skip(day * EntriesPerDay).Select(e => e.Id).ToHashSet();
            var profile = learn ? ReaderProfile.Learn(rated, matcher.Options) : null;
            var picks = DigestSelector.Select(candidates, today, [stated], matcher.Index(seen), digest, profile)
                .Where(p => p.Reason != "Trending").ToList();
            var relevant = 0;
            foreach (var pick in picks)
            {
                var liked = hidden.Grade(set.Corpus[(int)pick.EntryId].Id) > 0;
                relevant += liked ? 1 : 0;
                rated.Add(new RatedEntry(pick.EntryId, liked, embedded[(int)pick.EntryId].Title, embedded[(int)pick.EntryId].Vector ?? []));
            }

            days.Add((picks.Count, relevant, today.Count(id => hidden.Grade(set.Corpus[(int)id].Id) > 0)));
        }

        return days;
    }
}
