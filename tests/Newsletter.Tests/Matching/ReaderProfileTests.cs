using Newsletter.Matching;
using Newsletter.Matching.Embeddings;
using Newsletter.Matching.Learning;

namespace Newsletter.Tests.Matching;

public sealed class ReaderProfileTests
{
    private const int Dimensions = 64;
    private static readonly MatchingOptions Options = new();

    private readonly Random random = new(31);

    private List<RatedEntry> Ratings(int likes, int dislikes, float[]? likedCentre = null, float[]? dislikedCentre = null)
    {
        likedCentre ??= SyntheticVectors.RandomUnit(random, Dimensions);
        dislikedCentre ??= SyntheticVectors.RandomUnit(random, Dimensions);
        return Enumerable.Range(0, likes).Select(i => new RatedEntry(i, true, $"Liked paper {i}", SyntheticVectors.Near(random, likedCentre, 0.3)))
            .Concat(Enumerable.Range(0, dislikes).Select(i => new RatedEntry(100 + i, false, $"Disliked paper {i}", SyntheticVectors.Near(random, dislikedCentre, 0.3))))
            .ToList();
    }

    [Fact]
    public void TheDefaults_AreFiveLikesAndThreeDislikesForAModel()
    {
        // The stage tests below are written against these.
        Assert.Equal((5, 3), (Options.LikesForModel, Options.DislikesForModel));
    }

    [Theory]
    [InlineData(0, 0, LearningStage.None)]
    [InlineData(1, 0, LearningStage.Nudge)]
    [InlineData(0, 1, LearningStage.Nudge)]
    [InlineData(4, 3, LearningStage.Nudge)]
    [InlineData(5, 2, LearningStage.Nudge)]
    [InlineData(12, 2, LearningStage.Nudge)]
    [InlineData(5, 3, LearningStage.Model)]
    [InlineData(9, 6, LearningStage.Model)]
    public void TheStage_FollowsHowManyLikesAndDislikesThereAre(int likes, int dislikes, LearningStage expected) =>
        Assert.Equal(expected, ReaderProfile.Learn(Ratings(likes, dislikes), Options).Stage);

    [Fact]
    public void AnEmptyProfile_AdjustsNothing_AndHoldsNothingBack()
    {
        var profile = ReaderProfile.Empty(Options);
        var vector = SyntheticVectors.RandomUnit(random, Dimensions);

        Assert.Equal(LearningStage.None, profile.Stage);
        Assert.Equal((0.0, (RatedEntry?)null), profile.Adjust(vector));
        Assert.Null(profile.ResemblesDisliked(vector));
    }

    [Fact]
    public void TheNudge_RaisesAnEntryNearALikedOne_AndNamesThatLikedEntry()
    {
        var liked = SyntheticVectors.RandomUnit(random, Dimensions);
        var rated = Ratings(2, 1, likedCentre: liked);
        var profile = ReaderProfile.Learn(rated, Options);

        var (adjustment, nearest) = profile.Adjust(SyntheticVectors.Near(random, rated[0].Vector, 0.1));

        Assert.Equal(LearningStage.Nudge, profile.Stage);
        Assert.True(adjustment > 0, $"adjustment was {adjustment}");
        Assert.Same(rated[0], nearest);
    }

    [Fact]
    public void TheNudge_LowersAnEntryNearADislikedOne()
    {
        var rated = Ratings(2, 1);
        var profile = ReaderProfile.Learn(rated, Options);

        var (adjustment, _) = profile.Adjust(SyntheticVectors.Near(random, rated[2].Vector, 0.1));

        Assert.True(adjustment < 0, $"adjustment was {adjustment}");
    }

    [Fact]
    public void TheNudge_BarelyMovesAnUnrelatedEntry()
    {
        var profile = ReaderProfile.Learn(Ratings(2, 1), Options);

        var (adjustment, _) = profile.Adjust(SyntheticVectors.RandomUnit(random, Dimensions));

        Assert.InRange(adjustment, -0.05, 0.05);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(6, 4)]
    public void TheAdjustment_IsBoundedByTheFeedbackWeight_AndReachesItForACopyOfARatedEntry(int likes, int dislikes)
    {
        var rated = Ratings(likes, dislikes);
        var profile = ReaderProfile.Learn(rated, Options);
        var probes = rated.Select(r => r.Vector)
            .Concat(rated.Select(r => SyntheticVectors.Near(random, r.Vector, 0.5)))
            .Concat(Enumerable.Range(0, 20).Select(_ => SyntheticVectors.RandomUnit(random, Dimensions)));

        Assert.All(probes, v => Assert.InRange(profile.Adjust(v).Adjustment, -Options.FeedbackWeight, Options.FeedbackWeight));
        if (profile.Stage == LearningStage.Nudge)
        {
            Assert.Equal(Options.FeedbackWeight, profile.Adjust(rated[0].Vector).Adjustment, 6);
            Assert.Equal(-Options.FeedbackWeight, profile.Adjust(rated[^1].Vector).Adjustment, 6);
        }
    }

    [Fact]
    public void TheModel_RaisesEntriesNearTheLikedOnes_AndLowersEntriesNearTheDislikedOnes()
    {
        var liked = SyntheticVectors.RandomUnit(random, Dimensions);
        var disliked = SyntheticVectors.RandomUnit(random, Dimensions);
        var profile = ReaderProfile.Learn(Ratings(6, 4, liked, disliked), Options);

        Assert.Equal(LearningStage.Model, profile.Stage);
        Assert.True(profile.Adjust(SyntheticVectors.Near(random, liked, 0.3)).Adjustment > 0);
        Assert.True(profile.Adjust(SyntheticVectors.Near(random, disliked, 0.3)).Adjustment < 0);
    }

    [Fact]
    public void ResemblesDisliked_ReturnsTheDislikedEntry_ForANearDuplicate_AndNullForADifferentEntry()
    {
        var rated = Ratings(1, 2);
        var profile = ReaderProfile.Learn(rated, Options);
        var nearDuplicate = SyntheticVectors.Near(random, rated[2].Vector, 0.05);
        var different = SyntheticVectors.RandomUnit(random, Dimensions);
        Assert.True(SyntheticVectors.Cosine(nearDuplicate, rated[2].Vector) >= Options.NearDuplicateSimilarity);
        Assert.True(SyntheticVectors.Cosine(different, rated[2].Vector) < Options.NearDuplicateSimilarity);

        Assert.Same(rated[2], profile.ResemblesDisliked(nearDuplicate));
        Assert.Null(profile.ResemblesDisliked(different));
        Assert.Null(profile.ResemblesDisliked(rated[0].Vector));
        Assert.Null(profile.ResemblesDisliked([]));
    }

    [Fact]
    public void ResemblesDisliked_HoldsBackOnlyAtOrAboveTheConfiguredSimilarity()
    {
        var disliked = SyntheticVectors.Axis(0, Dimensions);
        var profile = ReaderProfile.Learn([new RatedEntry(1, false, "Disliked", disliked)], new MatchingOptions { NearDuplicateSimilarity = 0.8 });
        var other = SyntheticVectors.Axis(1, Dimensions);

        // cos = 0.85 and 0.75 with the disliked vector.
        Assert.NotNull(profile.ResemblesDisliked(SyntheticVectors.Mix(0.85, disliked, Math.Sqrt(1 - (0.85 * 0.85)), other)));
        Assert.Null(profile.ResemblesDisliked(SyntheticVectors.Mix(0.75, disliked, Math.Sqrt(1 - (0.75 * 0.75)), other)));
    }
}
