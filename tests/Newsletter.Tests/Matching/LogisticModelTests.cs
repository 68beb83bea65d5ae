using Newsletter.Matching.Learning;

namespace Newsletter.Tests.Matching;

public sealed class LogisticModelTests
{
    private const int Dimensions = 64;

    [Fact]
    public void AModelTrainedOnTwoSeparableClusters_LeansTowardsLike_NearTheLikedCluster_AndAgainstItNearTheDislikedOne()
    {
        var random = new Random(21);
        var liked = SyntheticVectors.RandomUnit(random, Dimensions);
        var disliked = SyntheticVectors.RandomUnit(random, Dimensions);
        var examples = Enumerable.Range(0, 6).Select(_ => (SyntheticVectors.Near(random, liked, 0.4), true))
            .Concat(Enumerable.Range(0, 4).Select(_ => (SyntheticVectors.Near(random, disliked, 0.4), false)))
            .ToList();

        var model = LogisticModel.Train(examples);

        var nearLiked = model.Probability(SyntheticVectors.Near(random, liked, 0.4));
        var nearDisliked = model.Probability(SyntheticVectors.Near(random, disliked, 0.4));
        Assert.True(nearLiked > 0.5, $"p(like) near the liked cluster was {nearLiked}");
        Assert.True(nearDisliked < 0.5, $"p(like) near the disliked cluster was {nearDisliked}");
    }

    [Fact]
    public void AModelTrainedOnOneLikeAndManyDislikes_StillRatesTheLikedSideAboveHalf_BecauseClassesAreBalanced()
    {
        var random = new Random(22);
        var liked = SyntheticVectors.RandomUnit(random, Dimensions);
        var disliked = SyntheticVectors.RandomUnit(random, Dimensions);
        var examples = new List<(float[], bool)> { (liked, true) };
        examples.AddRange(Enumerable.Range(0, 9).Select(_ => (SyntheticVectors.Near(random, disliked, 0.4), false)));

        var model = LogisticModel.Train(examples);

        Assert.True(model.Probability(liked) > 0.5);
        Assert.True(model.Probability(disliked) < 0.5);
    }
}
