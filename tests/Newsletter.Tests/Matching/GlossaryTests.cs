using Newsletter.Matching.Glossary;

namespace Newsletter.Tests.Matching;

public sealed class GlossaryTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"));

    public GlossaryTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static ExpandedInterest Expand(string query) => InterestExpansion.Expand(query, Glossary.BuiltIn);

    [Fact]
    public void AnAcronym_IsExpandedToItsLongForm_AndTheEmbeddingTextKeepsTheAcronymInBrackets()
    {
        var expanded = Expand("DPO");

        Assert.Contains("DPO", expanded.Wordings);
        Assert.Contains(expanded.Wordings, w => w.Contains("direct preference optimization", StringComparison.Ordinal));
        Assert.Equal("direct preference optimization (DPO)", expanded.EmbeddingText);
        Assert.Equal("DPO", Assert.Single(expanded.Terms).Acronym);
    }

    [Fact]
    public void ALowerCaseAcronym_IsExpandedToo()
    {
        var expanded = Expand("dpo for reasoning");

        Assert.Contains("direct preference optimization for reasoning", expanded.Wordings);
        Assert.Equal("direct preference optimization (DPO) for reasoning", expanded.EmbeddingText);
    }

    [Fact]
    public void APluralAcronym_IsExpandedAsTheAcronym()
    {
        var expanded = Expand("LLMs for theorem proving");

        Assert.Contains("large language model for theorem proving", expanded.Wordings);
        Assert.Equal("large language model (LLM) for theorem proving", expanded.EmbeddingText);
        Assert.Equal("LLM", Assert.Single(expanded.Terms).Acronym);
    }

    [Fact]
    public void AnOrdinaryCapitalisedWord_SpelledLikeAnAcronym_IsNotExpanded()
    {
        // "Rag" is how a sentence starts, not how the field writes RAG; LooksLikeAcronym wants all lower, all upper, or the glossary's own casing.
        var expanded = Expand("Rag dolls in cloth simulation");

        Assert.Equal(["Rag dolls in cloth simulation"], expanded.Wordings);
        Assert.Equal("Rag dolls in cloth simulation", expanded.EmbeddingText);
        Assert.Empty(expanded.Terms);
    }

    [Fact]
    public void AMixedCaseAcronym_IsExpanded_WhenWrittenAsTheGlossaryWritesIt()
    {
        var expanded = Expand("LoRA adapters");

        Assert.Equal("low-rank adaptation (LoRA) adapters", expanded.EmbeddingText);
        Assert.Contains("low-rank adaptation adapters", expanded.Wordings);
    }

    [Fact]
    public void ALongFormInTheQuery_AddsTheWordingWithTheAcronym()
    {
        var expanded = Expand("direct preference optimization for reasoning");

        Assert.Contains("direct preference optimization for reasoning", expanded.Wordings);
        Assert.Contains("DPO for reasoning", expanded.Wordings);
        Assert.Equal("direct preference optimization for reasoning (DPO)", expanded.EmbeddingText);
    }

    [Fact]
    public void AnAcronymInsideAnother_IsNotReplacedInsideTheFirstOnesExpansion()
    {
        var expanded = Expand("RLHF and RL");

        Assert.Equal("reinforcement learning from human feedback (RLHF) and reinforcement learning (RL)", expanded.EmbeddingText);
        Assert.Contains("reinforcement learning from human feedback and RL", expanded.Wordings);
        Assert.Contains("RLHF and reinforcement learning", expanded.Wordings);
        Assert.Equal(["RLHF", "RL"], expanded.Terms.Select(t => t.Acronym));
    }

    [Fact]
    public void AQueryWithoutAcronymsOrLongForms_IsLeftAsItIs()
    {
        var expanded = Expand("protein folding");

        Assert.Equal(["protein folding"], expanded.Wordings);
        Assert.Equal("protein folding", expanded.EmbeddingText);
        Assert.Empty(expanded.Terms);
    }

    [Fact]
    public void Parse_RejectsAMalformedLine_WithAFormatExceptionNamingTheSourceAndLine()
    {
        var text = "# my terms\nKD = knowledge distillation\n\nthis line has no equals sign\n";

        var error = Assert.Throws<FormatException>(() => Glossary.Parse(text, "mine.txt"));

        Assert.Contains("mine.txt: line 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("this line has no equals sign", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReadsSeveralLongForms_SeparatedByBars_TheFirstBeingTheOneEmbedded()
    {
        var glossary = Glossary.Parse("CoT = chain of thought | chain-of-thought reasoning", "test");

        var term = glossary.Find("cot");
        Assert.NotNull(term);
        Assert.Equal(["chain of thought", "chain-of-thought reasoning"], term.LongForms);
        Assert.Equal("chain of thought (CoT) prompting", InterestExpansion.Expand("CoT prompting", glossary).EmbeddingText);
    }

    [Fact]
    public void AnOperatorFile_OverridesABuiltInAcronym_AndAddsANewOne()
    {
        var path = Path.Combine(folder, "glossary.txt");
        File.WriteAllText(path, "# ours\nDPO = distributed parameter offloading\nZKP = zero-knowledge proof\n");

        var glossary = Glossary.Load(path);

        Assert.Equal(["distributed parameter offloading"], glossary.Find("DPO")!.LongForms);
        Assert.Equal("zero-knowledge proof (ZKP) systems", InterestExpansion.Expand("ZKP systems", glossary).EmbeddingText);
        Assert.Equal("knowledge distillation", glossary.Find("KD")!.LongForms[0]);
        Assert.Null(Glossary.BuiltIn.Find("ZKP"));
        Assert.Equal("direct preference optimization", Glossary.BuiltIn.Find("DPO")!.LongForms[0]);
    }

    [Fact]
    public void Load_WithoutAFile_IsTheBuiltInGlossary()
    {
        Assert.Same(Glossary.BuiltIn, Glossary.Load(null));
        Assert.Same(Glossary.BuiltIn, Glossary.Load(" "));
    }
    [Fact]
    public void AnErrorInAnOperatorFile_NamesTheLineOfThatFile()
    {
        var path = Path.Combine(folder, "glossary.txt");
        File.WriteAllText(path, "KD = knowledge distillation\nbroken line\n");

        var error = Assert.Throws<FormatException>(() => Glossary.Load(path));

        Assert.StartsWith($"{path}: line 2:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("KD = |")]
    [InlineData("KD = | |")]
    public void ALineWithoutALongForm_IsRejected(string line) =>
        Assert.Throws<FormatException>(() => Glossary.Parse(line, "test"));

    [Theory]
    [InlineData("video clip retrieval")]
    [InlineData("a rag doll")]
    [InlineData("slam poetry")]
    public void ALowerCaseAcronymThatIsAlsoAnEnglishWord_IsLeftAsTheWord(string query)
    {
        var expanded = Expand(query);

        Assert.Equal(query, expanded.EmbeddingText);
        Assert.Empty(expanded.Terms);
    }

    [Fact]
    public void ALongFormInsideALongerOne_AddsOnlyTheLongerOnesAcronym()
    {
        var expanded = Expand("large language model agents");

        Assert.Contains("LLM agents", expanded.Wordings);
        Assert.DoesNotContain(expanded.Wordings, w => w.Contains("large LM", StringComparison.Ordinal));
        Assert.Equal("LLM", Assert.Single(expanded.Terms).Acronym);
    }

    [Fact]
    public void AnAcronymWrittenWithItsLongForm_IsExpandedOnce()
    {
        var expanded = Expand("DPO (direct preference optimization)");

        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(expanded.EmbeddingText, "direct preference optimization"));
        Assert.Equal("DPO", Assert.Single(expanded.Terms).Acronym);
    }

    [Fact]
    public void AnAcronymInAHyphenatedWord_IsExpanded() =>
        Assert.Contains(Expand("KD-based compression").Wordings, w => w.Contains("knowledge distillation-based", StringComparison.Ordinal));

    [Theory]
    [InlineData("poetry slams")]
    [InlineData("tax irs")]
    public void ThePluralOfAnEnglishWordThatIsAlsoAnAcronym_IsLeftAlone(string query) =>
        Assert.Empty(Expand(query).Terms);
}
