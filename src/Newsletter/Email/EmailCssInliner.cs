using System.Text;
using System.Text.RegularExpressions;

namespace Newsletter.Email;

/// <summary>
/// Moves the email layout's CSS into style attributes once, when the templates are loaded, instead
/// of once per message: mail clients that drop &lt;style&gt; still see the styles, and sending no
/// longer parses every digest's HTML (that parse was most of a digest's CPU time; see README, Speed).
/// Liquid tags are swapped for plain placeholders while PreMailer parses the template, so the HTML
/// parser can neither escape nor move them, and put back afterwards. The &lt;style&gt; block stays:
/// PreMailer inlines no media query, so the phone and dark-mode rules live only there, and they
/// carry <c>!important</c> because an inlined style beats any rule in a style sheet without it.
/// </summary>
public static partial class EmailCssInliner
{
    private const string FragmentMarker = "newsletter-inline-fragment";

    /// <summary>Inlines an email template; <paramref name="layoutSource"/> supplies the CSS for content templates.</summary>
    public static string Inline(string templateSource, string layoutSource, bool isLayout)
    {
        var tags = new List<string>();
        var protectedSource = LiquidTag().Replace(templateSource, m =>
        {
            tags.Add(m.Value);
            var placeholder = $"LIQUIDTAG{tags.Count - 1:D5}X";
            // A tag between table rows ({% for %} around <tr>) would be text where the HTML parser
            // allows none, and it would move it out of the table; a comment stays where it is.
            // Inside an element's brackets (an attribute) it must stay plain text. Templates write the
            // <tbody> around such a loop, or the parser opens one inside it, once per row.
            return m.Value.StartsWith("{%", StringComparison.Ordinal) && !InsideMarkup(templateSource, m.Index)
                ? $"<!--{placeholder}-->"
                : placeholder;
        });

        // Outlook sizes tables by their width attribute; PreMailer would replace it with the CSS width
        // (width="600" became "100%"), so written widths are hidden from it and put back afterwards.
        protectedSource = WidthAttribute().Replace(protectedSource, " data-written-width=");

        string inlined;
        if (isLayout)
        {
            inlined = MoveCssInline(protectedSource, css: null);
        }
        else
        {
            var css = StyleBlock().Match(layoutSource) is { Success: true } style ? style.Groups[1].Value : "";
            var document = MoveCssInline($"<html><head></head><body><div id=\"{FragmentMarker}\">{protectedSource}</div></body></html>", css);
            var start = document.IndexOf($"<div id=\"{FragmentMarker}\">", StringComparison.Ordinal) + FragmentMarker.Length + 11;
            var end = document.LastIndexOf("</div>", StringComparison.Ordinal);
            inlined = document[start..end];
        }

        inlined = TagWithWrittenWidth().Replace(inlined, tag =>
            InlinedWidth().Replace(tag.Value, "").Replace(" data-written-width=", " width=", StringComparison.Ordinal));
        return Placeholder().Replace(inlined, m =>
            tags[int.Parse((m.Groups[1].Success ? m.Groups[1] : m.Groups[2]).Value, System.Globalization.CultureInfo.InvariantCulture)]);
    }

    /// <summary>Whether <paramref name="index"/> is inside an element's angle brackets (in its attributes) rather than in content.</summary>
    private static bool InsideMarkup(string source, int index) =>
        source.LastIndexOf('<', index == 0 ? 0 : index - 1) > source.LastIndexOf('>', index == 0 ? 0 : index - 1);

    private static string MoveCssInline(string html, string? css)
    {
        using var premailer = new PreMailer.Net.PreMailer(html);
        // Comments stay: they hold the Outlook conditional blocks (<!--[if mso]>) and the placeholders above.
        return premailer.MoveCssInline(removeStyleElements: false, css: css, stripIdAndClassAttributes: false, removeComments: false).Html;
    }

    [GeneratedRegex(@"\{%.*?%\}|\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex LiquidTag();

    // The comment form first, so a restored tag leaves no empty comment behind.
    [GeneratedRegex(@"<!--LIQUIDTAG(\d{5})X-->|LIQUIDTAG(\d{5})X")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"(?<=<(?:table|td|th|img)\b[^>]*)\swidth=(?=""[^""]*"")", RegexOptions.IgnoreCase)]
    private static partial Regex WidthAttribute();

    [GeneratedRegex(@"\swidth=""[^""]*""", RegexOptions.IgnoreCase)]
    private static partial Regex InlinedWidth();

    [GeneratedRegex(@"<[a-z]+\b[^>]*\sdata-written-width=""[^""]*""[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex TagWithWrittenWidth();

    [GeneratedRegex(@"<style[^>]*>(.*?)</style>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex StyleBlock();
}
