using Newsletter.Templating;

namespace Newsletter.Tests.Email;

public sealed class PlainTextWrapperTests
{
    private const string Url = "https://papers.example.org/feedback/AAAAAAAAAAEAAAAAAAAAAWGeRtSY4eimR34oGo1NTVZUM3Jrd0_t2zS9lIkIxef2?entry=12&vote=up";

    [Fact]
    public void LongLine_BreaksAtSpaces_Within76Columns_KeepingItsIndent()
    {
        var text = "   " + string.Join(' ', Enumerable.Repeat("transformer", 30));

        var lines = PlainTextWrapper.Wrap(text).Split('\n');

        Assert.True(lines.Length > 1);
        Assert.All(lines, line => Assert.InRange(line.Length, 1, 76));
        Assert.All(lines, line => Assert.StartsWith("   transformer", line, StringComparison.Ordinal));
    }

    [Fact]
    public void UrlLongerThanTheWidth_GetsALineOfItsOwn_Unbroken()
    {
        var lines = PlainTextWrapper.Wrap($"   More like this: {Url}").Split('\n');

        Assert.Equal(["   More like this:", "   " + Url], lines);
    }

    [Fact]
    public void ListItem_ContinuesUnderItsText()
    {
        var lines = PlainTextWrapper.Wrap("10. " + string.Join(' ', Enumerable.Repeat("sparse mixture of experts", 5))).Split('\n');

        Assert.StartsWith("10. sparse", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("    ", lines[1], StringComparison.Ordinal);
        Assert.NotEqual(' ', lines[1][4]);
    }

    [Fact]
    public void ShortLines_AndBlankLines_StayAsWritten()
    {
        const string text = "Confirm here:\n\n-- \nPaper Digest";

        Assert.Equal(text, PlainTextWrapper.Wrap(text));
    }

    [Fact]
    public async Task WrapFilter_IsRegisteredWithTheTemplateEngine()
    {
        var templates = new TemplateRenderer(Path.Combine(AppContext.BaseDirectory, "templates"));
        var text = await templates.RenderAsync("email/confirm.text",
            new { Email = "reader@example.org", ConfirmUrl = Url, ExpiresIn = "7 days" }, html: false,
            new Dictionary<string, object?> { ["site_name"] = "Paper Digest" });

        Assert.Contains("\n" + Url + "\n", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n').Where(l => l != Url), line => Assert.True(line.Length <= 76, line));
    }
}
