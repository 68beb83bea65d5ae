using Newsletter.Matching;

namespace Newsletter.Delivery;

/// <summary>What the subscribers of a chunk share when their digests are chosen from one window: the candidates, where each sits in the corpus, and the candidates by popularity.</summary>
internal sealed class CandidateWindow
{
    private IReadOnlyList<CandidateEntry>? byPopularity;

    /// <param name="scored">How many of the first candidates any subscriber of the chunk can be sent.</param>
    public CandidateWindow(IReadOnlyList<CandidateEntry> candidates, IMatchingCorpus corpus, IReadOnlyList<CandidateEntry>? byPopularity, int scored)
    {
        Candidates = candidates;
        this.byPopularity = byPopularity;
        // Looked up once a chunk, not once a subscriber: the planner indexes candidates in their own
        // order, so mostly an entry's place is its own.
        var entries = corpus.Entries;
        Docs = new int[Math.Max(0, scored)];
        Aligned = true;
        for (var i = 0; i < Docs.Length; i++)
        {
            Docs[i] = i < entries.Count && entries[i].Id == candidates[i].Id ? i : corpus.IndexOf(candidates[i].Id);
            Aligned &= Docs[i] == i;
        }
    }

    /// <summary>Every candidate the chunk can be sent sits at its own place in the corpus: a subscriber's scores can be read in runs.</summary>
    public bool Aligned { get; }

    public IReadOnlyList<CandidateEntry> Candidates { get; }

    /// <summary>Each candidate's place in the corpus (-1: not indexed), for the first candidates the chunk can be sent.</summary>
    public int[] Docs { get; }

    public IReadOnlyList<CandidateEntry> Popular() => byPopularity ??= DigestSelector.ByPopularity(Candidates);

    /// <summary>Not held back: not already sent, and no near-duplicate of an entry the subscriber disliked.</summary>
    public static bool IsOpen(CandidateEntry candidate, SelectionRequest request) =>
        request.Allowed.Contains(candidate.Id) && request.Profile?.ResemblesDisliked(candidate.Vector ?? []) is null;
}
