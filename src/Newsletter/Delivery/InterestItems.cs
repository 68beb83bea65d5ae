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
                var keywords = JsonSerializer.Deserialize<string[]>(topic.Keywords) ?? [];
                items.Add(new InterestItem($"Because you follow {topic.Name}", $"{topic.Name} {topic.Description} {string.Join(' ', keywords)}"));
            }
        }

        items.AddRange(settings.Interests.Select(line => new InterestItem($"Matches your interest “{line}”", line)));
        return items;
    }
}
