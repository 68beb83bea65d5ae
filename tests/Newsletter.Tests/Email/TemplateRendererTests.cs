using Newsletter.Templating;

namespace Newsletter.Tests.Email;

public sealed class TemplateRendererTests
{
    private static readonly TemplateRenderer Templates = new(Path.Combine(AppContext.BaseDirectory, "templates"));

    private sealed record Model(string Title, IReadOnlyList<string> Items);

    [Fact]
    public async Task HtmlTemplates_EscapeUserText()
    {
        var html = await Templates.RenderAsync("pages/message", new { Title = "<script>alert(1)</script>", Detail = "a & b" }, html: true,
            new Dictionary<string, object?> { ["site_name"] = "Digest", ["page_title"] = "t" });

        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("a &amp; b", html, StringComparison.Ordinal);
        Assert.Contains("<!doctype html>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextTemplates_DoNotHtmlEncode()
    {
        var text = await Templates.RenderAsync("email/confirm.text",
            new { Email = "o'brien@example.ie", ConfirmUrl = "http://x/confirm/t?a=1&b=2", ExpiresIn = "7 days" }, html: false,
            new Dictionary<string, object?> { ["site_name"] = "Digest" });

        Assert.Contains("o'brien@example.ie", text, StringComparison.Ordinal);
        Assert.Contains("a=1&b=2", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTemplate_Parses_AndEveryEmailHasBothParts()
    {
        foreach (var email in new[] { "confirm", "welcome", "already-subscribed" })
        {
            Assert.True(Templates.Exists($"email/{email}.html"), email);
            Assert.True(Templates.Exists($"email/{email}.text"), email);
        }
    }
}
