using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Newsletter.Data;

namespace Newsletter.Entries.Samples;

/// <summary>
/// The sample entries that ship with the service (<c>sample-entries.jsonl</c>: invented papers,
/// written for this project, on papers.example.org), for <c>import --sample</c>. Their dates are
/// moved at import so that the newest is a few minutes old and the rest keep their spacing: the
/// papers page then has several recent days, and a digest finds them new.
/// </summary>
public static class SampleEntries
{
    public const string Source = "sample";

    /// <summary>The newest sample is this old after the import.</summary>
    private static readonly TimeSpan NewestAge = TimeSpan.FromMinutes(10);

    public static List<(int Position, JsonElement Element)> Load(DateTimeOffset now)
    {
        var assembly = typeof(SampleEntries).Assembly;
        var text = SqlCatalog.ReadResource(assembly, $"{assembly.GetName().Name}.Entries.Samples.sample-entries.jsonl");
        var lines = text.Split('\n').Select((line, i) => (Position: i + 1, Line: line)).Where(l => !string.IsNullOrWhiteSpace(l.Line)).ToList();
        var nodes = lines.Select(l => (l.Position, Node: JsonNode.Parse(l.Line)!.AsObject())).ToList();
        var newest = nodes.Max(n => PublishedAt(n.Node));
        var shift = now - NewestAge - newest;
        return nodes.Select(n =>
        {
            n.Node["publishedAt"] = (PublishedAt(n.Node) + shift).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            return (n.Position, JsonSerializer.SerializeToElement(n.Node));
        }).ToList();
    }

    private static DateTimeOffset PublishedAt(JsonObject entry) =>
        DateTimeOffset.Parse(entry["publishedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
