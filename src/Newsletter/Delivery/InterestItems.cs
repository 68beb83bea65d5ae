using System.Text.Json;
using Newsletter.Matching;
using Newsletter.Subscriptions;
using Newsletter.Subscriptions.Topics;

namespace Newsletter.Delivery;

/// <summary>A subscriber's interest items: each chosen topic (name, description, keywords) and each interest line.</summary>
public static class InterestItems
{
    public static IReadOnlyList<InterestItem> For(SubscriberSettings settings, IReadOnlyDictionary<string, Topic> topics) =>
        For(settings, topics.ToDictionary(t => t.Key, t => ForTopic(t.Value), StringComparer.Ordinal));

    /// <param name="topicItems">Each topic's item by slug, built once for many subscribers.</param>
    public static IReadOnlyList<InterestItem> For(SubscriberSettings settings, IReadOnlyDictionary<string, InterestItem> topicItems)
    {
        var items = new List<InterestItem>();
        foreach (var slug in settings.Topics)
        {
            if (topicItems.TryGetValue(slug, out var topic))
            {
                items.Add(topic);
            }
        }

        items.AddRange(settings.Interests.Select(ForLine));
        return items;
    }

    public static InterestItem ForTopic(Topic topic)
    {
        var keywords = JsonSerializer.Deserialize<string[]>(topic.Keywords) ?? [];
        return new InterestItem($"Because you follow {topic.Name}", $"{topic.Name} {topic.Description} {string.Join(' ', keywords)}");
    }

    public static InterestItem ForLine(string line) => new($"Matches your interest “{line}”", line);
}
