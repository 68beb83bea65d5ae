namespace Newsletter.Subscriptions.Export;

/// <summary>
/// CSV cells that spreadsheets will not run as formulas (CSV injection): a cell that starts with
/// <c>= + - @</c>, a tab or a carriage return gets a leading apostrophe on export, and the import
/// takes that apostrophe off again, so an export imports back unchanged. A cell that already
/// starts with apostrophes before such a character gets one more, so the round trip holds for it too.
/// </summary>
public static class CsvCell
{
    private static readonly char[] Dangerous = ['=', '+', '-', '@', '\t', '\r'];

    public static string Guard(string value) => NeedsGuard(value) ? "'" + value : value;

    public static string Unguard(string value) => value.StartsWith('\'') && NeedsGuard(value) ? value[1..] : value;

    /// <summary>Quoted when it holds a comma, a quote or a line break (RFC 4180).</summary>
    public static string Escape(string value)
    {
        var guarded = Guard(value);
        return guarded.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + guarded.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : guarded;
    }

    private static bool NeedsGuard(string value)
    {
        var rest = value.TrimStart('\'');
        return rest.Length > 0 && Array.IndexOf(Dangerous, rest[0]) >= 0;
    }
}
