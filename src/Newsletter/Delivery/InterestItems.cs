using System.Text.Json;
using Newsletter.Matching;
using Newsletter.Subscriptions;
using Newsletter.Subscriptions.Topics;

namespace Newsletter.Delivery;

/// <summary>A subscriber's interest items: each chosen topic (name, description, keywords) and each interest line.</summary>
public static class InterestItems
{
    public static IReadOnlyList<InterestItem> For(SubscriberSettings settings, IReadOnlyDictionary<string, Topic> topics)
    {
        var items = new List<InterestItem>();
        foreach (var slug in settings.Topics)
        {
            if (topics.TryGetValue(slug, out var topic))
            {
                items.Add(ForTopic(topic));
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
