using System.Text.Json;
using Newsletter.Data;

namespace Newsletter.Subscriptions.Topics;

/// <summary>The research topics seeded on first start (default-topics.json, written by us).</summary>
public static class DefaultTopics
{
    private sealed record Entry(string Slug, string Name, string Description, string[] Keywords);

    public static IReadOnlyList<TopicInput> Load()
    {
        var assembly = typeof(DefaultTopics).Assembly;
        var json = SqlCatalog.ReadResource(assembly, $"{assembly.GetName().Name}.Subscriptions.Topics.default-topics.json");
        var entries = JsonSerializer.Deserialize<Entry[]>(json, JsonSerializerOptions.Web) ?? [];
        return entries.Select((e, i) => new TopicInput(e.Slug, e.Name, e.Description, e.Keywords, i + 1)).ToList();
    }
}
