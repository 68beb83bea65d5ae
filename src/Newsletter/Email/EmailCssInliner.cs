using System.Text;
using System.Text.RegularExpressions;

namespace Newsletter.Email;

/// <summary>
/// Moves the email layout's CSS into style attributes once, when the templates are loaded, instead
/// of once per message: mail clients that drop &lt;style&gt; still see the styles, and sending no
/// longer parses every digest's HTML (that parse was most of a digest's CPU time; see README, Speed).
/// Liquid tags are swapped for plain placeholders while PreMailer parses the template, so the HTML
/// parser can neither escape nor move them, and put back afterwards. The &lt;style&gt; block stays
/// for what cannot be inlined (dark mode and phone media queries).
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
            return $"LIQUIDTAG{tags.Count - 1:D5}X";
        });

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

        return Placeholder().Replace(inlined, m => tags[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]);
    }

    private static string MoveCssInline(string html, string? css)
    {
        using var premailer = new PreMailer.Net.PreMailer(html);
        return premailer.MoveCssInline(removeStyleElements: false, css: css, stripIdAndClassAttributes: false, removeComments: true).Html;
    }

    [GeneratedRegex(@"\{%.*?%\}|\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex LiquidTag();

    [GeneratedRegex(@"LIQUIDTAG(\d{5})X")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"<style[^>]*>(.*?)</style>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex StyleBlock();
}
