using Newsletter.Email;

namespace Newsletter.Tests.Email;

public sealed class EmailCssInlinerTests
{
    private const string Layout = """
        <html><head><style>
          .cell { padding: 8px; }
          .box { width: 100%; max-width: 600px; }
          @media only screen and (max-width: 620px) { .cell { padding: 0 !important; } }
        </style></head><body>
        <!--[if mso]><table role="presentation" width="600"><tr><td><![endif]-->
        <table class="box" width="600"><tr><td class="cell">{{ content }}</td></tr></table>
        <!--[if mso]></td></tr></table><![endif]-->
        </body></html>
        """;

    [Fact]
    public void Layout_KeepsTheMediaRules_TheOutlookComments_AndTheWrittenWidth()
    {
        var inlined = EmailCssInliner.Inline(Layout, Layout, isLayout: true);

        Assert.Contains("@media only screen and (max-width: 620px) { .cell { padding: 0 !important; } }", inlined, StringComparison.Ordinal);
        Assert.Contains("<!--[if mso]><table role=\"presentation\" width=\"600\"><tr><td><![endif]-->", inlined, StringComparison.Ordinal);
        Assert.Contains("<!--[if mso]></td></tr></table><![endif]-->", inlined, StringComparison.Ordinal);
        Assert.Matches("<table class=\"box\" width=\"600\" style=\"width: 100%;max-width: 600px\">", inlined);
        Assert.Contains("<td class=\"cell\" style=\"padding: 8px\">{{ content }}</td>", inlined, StringComparison.Ordinal);
    }

    [Fact]
    public void LiquidLoop_BetweenTableRows_StaysInsideTheTable()
    {
        // The tbody is written: the parser would otherwise open one inside the loop, once per row.
        const string template = """<table><tbody>{% for t in topics %}<tr><td class="cell">{{ t.name }}</td></tr>{% endfor %}</tbody></table>""";

        var inlined = EmailCssInliner.Inline(template, Layout, isLayout: false);

        Assert.Equal("""<table><tbody>{% for t in topics %}<tr><td class="cell" style="padding: 8px">{{ t.name }}</td></tr>{% endfor %}</tbody></table>""", inlined);
    }
}
