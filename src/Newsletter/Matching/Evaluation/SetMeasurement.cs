namespace Newsletter.Matching.Evaluation;

/// <summary>How one matcher did for one labelled interest.</summary>
/// <param name="RankNdcg">nDCG@10 of the whole ranking, as <c>match</c> lists it.</param>
/// <param name="SentNdcg">nDCG@10 of the sent list: the ranking with every entry that would not be sent left out.</param>
/// <param name="Sent">How many entries clear the threshold (the digest then sends at most its cap of them, best first).</param>
public sealed record InterestOutcome(JudgedInterest Interest, double RankNdcg, double SentNdcg, double Precision, double Recall, double F1, int Sent);

/// <summary>
/// Runs a matcher over a labelled set the way the digest would: each interest is a one-item
/// subscriber, the set's corpus is the window, and an entry is sent when its calibrated probability
/// reaches the threshold. Precision of an interest with nothing sent counts as 0.
/// </summary>
public static class SetMeasurement
{
    public const int Depth = 10;

    public static async Task<IReadOnlyList<InterestOutcome>> MeasureAsync(
        LabelledSet set, IEnumerable<JudgedInterest> interests, IReadOnlyList<MatchableEntry> embedded, VerbMatching matching, double threshold) =>
        (await RankAsync(matching, embedded, interests)).Select(r => Outcome(set, r.Interest, r.Ranked, threshold)).ToList();

    /// <summary>Each interest, as a one-item subscriber, ranked over the whole corpus.</summary>
    public static async Task<List<(JudgedInterest Interest, IReadOnlyList<EntryMatch> Ranked)>> RankAsync(
        VerbMatching matching, IReadOnlyList<MatchableEntry> embedded, IEnumerable<JudgedInterest> interests)
    {
        var corpus = matching.Matcher.Index(embedded);
        var ranked = new List<(JudgedInterest, IReadOnlyList<EntryMatch>)>();
        foreach (var interest in interests)
        {
            ranked.Add((interest, corpus.Rank([(await matching.Interests.PrepareAsync([new InterestItem(interest.Interest, interest.Interest)]))[0]])));
        }

        return ranked;
    }

    public static InterestOutcome Outcome(LabelledSet set, JudgedInterest interest, IReadOnlyList<EntryMatch> ranked, double threshold)
    {
        var grades = ranked.Select(m => interest.Grade(set.Corpus[(int)m.Entry.Id].Id)).ToList();
        var sentGrades = ranked.Where(m => m.Score >= threshold).Select(m => interest.Grade(set.Corpus[(int)m.Entry.Id].Id)).ToList();
        var relevantSent = sentGrades.Count(g => g > 0);
        var precision = sentGrades.Count == 0 ? 0 : relevantSent / (double)sentGrades.Count;
        var recall = relevantSent / (double)interest.RelevantCount;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new InterestOutcome(interest,
            RankingMetrics.Ndcg(grades, interest.Judgements.Values, Depth),
            RankingMetrics.Ndcg(sentGrades, interest.Judgements.Values, Depth),
            precision, recall, f1, sentGrades.Count);
    }
}
