namespace Newsletter.Matching.Evaluation;

/// <summary>The standard ranking measures, over one ranked list of grades (best first) and the interest's judgements.</summary>
public static class RankingMetrics
{
    /// <summary>nDCG@k with gains 2^grade − 1 and a log2 discount; the ideal ordering comes from all judgements, not only those retrieved.</summary>
    public static double Ndcg(IReadOnlyList<int> rankedGrades, IEnumerable<int> allGrades, int k)
    {
        var ideal = Dcg(allGrades.Where(g => g > 0).OrderDescending().Take(k).ToList());
        return ideal == 0 ? 0 : Dcg(rankedGrades.Take(k).ToList()) / ideal;
    }

    public static double PrecisionAt(IReadOnlyList<int> rankedGrades, int k) => rankedGrades.Take(k).Count(g => g > 0) / (double)k;

    public static double RecallAt(IReadOnlyList<int> rankedGrades, int relevantCount, int k) =>
        relevantCount == 0 ? 0 : rankedGrades.Take(k).Count(g => g > 0) / (double)relevantCount;

    private static double Dcg(IReadOnlyList<int> grades) => grades.Select((g, i) => (Math.Pow(2, g) - 1) / Math.Log2(i + 2)).Sum();
}
