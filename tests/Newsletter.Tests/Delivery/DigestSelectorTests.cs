using Newsletter.Delivery;
using Newsletter.Matching;

namespace Newsletter.Tests.Delivery;

public sealed class DigestSelectorTests
{
    private static readonly CandidateEntry[] Entries =
    [
        Entry(1, "Code generation with large models", "Code models write programs.", 2),
        Entry(2, "Code repair with language models", "Programs fixed by code models.", 1),
        Entry(3, "More code generation benchmarks", "Code generation evaluated.", 0),
        Entry(4, "Long context windows", "Models with long context.", 30),
        Entry(5, "A cooking paper", "Recipes and soup.", 90),
    ];

    private static CandidateEntry Entry(long id, string title, string text, long upvotes) =>
        new() { Id = id, Title = title, Abstract = text, Upvotes = upvotes };

    /// <summary>Keywords only, with a calibration fixed here: p = σ(20·keywords − 4), 0.05 at keyword score 0.053.</summary>
    private static IMatchingCorpus Corpus() => new HybridMatcher(new MatchingOptions { Mode = MatchingMode.Lexical, Calibration = new() { Lexical = "-4 0 20 0" } }).Index(Entries.Select(e => new MatchableEntry(e.Id, e.Title, e.Abstract)).ToList());

    private static HashSet<long> All => Entries.Select(e => e.Id).ToHashSet();

    [Fact]
    public void ItemsTakeTurns_SoOneBusyInterestCannotCrowdOutAnother()
    {
        var items = new[] { new InterestItem("code", "code generation programs"), new InterestItem("long", "long context") };
        var picks = DigestSelector.Select(Entries, All, items, Corpus(), new DigestOptions { MaxEntries = 2, TrendingSlot = false, Threshold = 0.05 });

        Assert.Equal(["code", "long"], picks.Select(p => p.Reason).Order());
    }

    [Fact]
    public void EntriesBelowTheThreshold_AndEntriesAlreadySent_AreLeftOut()
    {
        var items = new[] { new InterestItem("code", "code generation") };
        var picks = DigestSelector.Select(Entries, All.Where(id => id != 1).ToHashSet(), items, Corpus(), new DigestOptions { TrendingSlot = false, Threshold = 0.05 });

        Assert.DoesNotContain(picks, p => p.EntryId == 1);
        Assert.DoesNotContain(picks, p => p.EntryId == 5);
        Assert.Contains(picks, p => p.EntryId == 3);
    }

    [Fact]
    public void TheTrendingSlot_AddsTheMostPopularNewEntry_OnlyWhenSomethingMatched()
    {
        var items = new[] { new InterestItem("code", "code generation") };
        var picks = DigestSelector.Select(Entries, All, items, Corpus(), new DigestOptions { Threshold = 0.05 });
        Assert.Equal(("Trending", 5L), (picks[^1].Reason, picks[^1].EntryId));

        var nothing = DigestSelector.Select(Entries, All, [new InterestItem("x", "astrophysics")], Corpus(), new DigestOptions());
        Assert.Empty(nothing);
    }

    [Fact]
    public void WithoutTopicsOrInterests_TheMostPopularEntriesAreSent()
    {
        var picks = DigestSelector.Select(Entries, All, [], Corpus(), new DigestOptions { MaxEntries = 2 });
        Assert.Equal([5L, 4L], picks.Select(p => p.EntryId));
    }
}
