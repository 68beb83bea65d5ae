namespace Newsletter.Subscriptions.Import;

/// <summary>
/// The header line of an import file: <c>email</c> is required; <c>topics</c>, <c>interests</c>,
/// <c>frequency</c>, <c>consented_at</c> and <c>consent_source</c> are optional, in any order
/// (the two consent columns come together). The columns the CSV export adds (<c>status</c>,
/// <c>created_at</c>, <c>confirmed_at</c>) are accepted, so an export imports as it is.
/// </summary>
public sealed class ImportColumns
{
    public static readonly string[] Known = ["email", "topics", "interests", "frequency", "consented_at", "consent_source", "status", "created_at", "confirmed_at"];

    private readonly Dictionary<string, int> positions;

    private ImportColumns(Dictionary<string, int> positions, int count)
    {
        this.positions = positions;
        Count = count;
    }

    public int Count { get; }

    /// <summary>The row's value of a column, trimmed; empty when the file has no such column.</summary>
    public string Of(IReadOnlyList<string> fields, string column) =>
        positions.TryGetValue(column, out var i) && i < fields.Count ? fields[i].Trim() : "";

    /// <returns>The columns, or why the header is wrong (naming the column).</returns>
    public static (ImportColumns? Columns, string? Error) Parse(CsvRecord? header)
    {
        if (header is null)
        {
            return (null, "The file is empty; its first line must be the header, e.g. email,topics,interests,frequency,consented_at,consent_source.");
        }

        if (header.Error is not null)
        {
            return (null, $"The header line cannot be read: {header.Error}.");
        }

        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim().ToLowerInvariant();
            if (!Known.Contains(name))
            {
                var shown = name.Length > 40 ? name[..40] + "…" : name;
                return (null, name.Length == 0
                    ? $"Column {i + 1} of the header has no name; the columns are {string.Join(", ", Known[..6])}."
                    : $"Unknown column '{shown}'; the columns are {string.Join(", ", Known[..6])}.");
            }

            if (!positions.TryAdd(name, i))
            {
                return (null, $"The column '{name}' appears twice in the header.");
            }
        }

        if (!positions.ContainsKey("email"))
        {
            return (null, "Missing column 'email'; it is required (the others are optional).");
        }

        if (positions.ContainsKey("consented_at") != positions.ContainsKey("consent_source"))
        {
            var missing = positions.ContainsKey("consented_at") ? "consent_source" : "consented_at";
            return (null, $"Missing column '{missing}': consented_at and consent_source come together, as the evidence of consent.");
        }

        return (new ImportColumns(positions, header.Fields.Count), null);
    }
}
