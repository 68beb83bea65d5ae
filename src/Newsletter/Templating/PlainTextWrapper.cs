using System.Text;
using System.Text.RegularExpressions;

namespace Newsletter.Templating;

/// <summary>
/// Wraps plain text for email (the <c>wrap</c> filter): mail clients show a text part as written, so
/// a 260-character abstract is one line to scroll sideways. Lines are broken at spaces only, never
/// inside a word, so a URL stays whole: one longer than the width gets a line of its own. A
/// continued line keeps its indent, and a list item ("- ", "1. ") continues under its text.
/// </summary>
public static partial class PlainTextWrapper
{
    /// <summary>76 columns: RFC 5322 asks for 78 at most, and quoting in a reply adds "> ".</summary>
    public const int DefaultWidth = 76;

    public static string Wrap(string text, int width = DefaultWidth)
    {
        var output = new StringBuilder(text.Length + (text.Length / width) + 16);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                output.Append('\n');
            }

            WrapLine(output, lines[i].TrimEnd('\r'), width);
        }

        return output.ToString();
    }

    private static void WrapLine(StringBuilder output, string line, int width)
    {
        if (line.Length <= width)
        {
            output.Append(line);
            return;
        }

        var prefix = LinePrefix().Match(line).Value;
        var indent = new string(' ', prefix.Length);
        output.Append(prefix);
        var column = prefix.Length;
        var first = true;
        foreach (var word in line[prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!first && column + 1 + word.Length > width)
            {
                output.Append('\n').Append(indent);
                column = indent.Length;
                first = true;
            }

            if (!first)
            {
                output.Append(' ');
                column++;
            }

            output.Append(word);
            column += word.Length;
            first = false;
        }
    }

    /// <summary>The indent, and a list marker after it, that continued lines align under.</summary>
    [GeneratedRegex(@"^[ \t]*(?:(?:[-*•]|\d{1,3}\.)[ \t]+)?")]
    private static partial Regex LinePrefix();
}
