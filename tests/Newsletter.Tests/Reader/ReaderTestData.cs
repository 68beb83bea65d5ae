using System.Globalization;
using System.Net.Http.Json;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Reader;

/// <summary>Entries dated on known UTC days before today, with topics, for the papers page and feeds.</summary>
internal static class ReaderTestData
{
    public static DateTime Day(int daysAgo) => DateTime.UtcNow.Date.AddDays(-daysAgo);

    public static string Iso(int daysAgo) => Day(daysAgo).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static object Paper(string id, string title, int daysAgo, int upvotes, params string[] topics) => new
    {
        id,
        title,
        @abstract = $"An abstract for {title}. It has a second sentence, as abstracts do.",
        url = $"https://papers.example.org/test/{id}",
        authors = new[] { "Ada Example", "Bo Sample" },
        // Early in the day, so today's entries are never in the future.
        publishedAt = Day(daysAgo).AddMinutes(5 + upvotes % 50).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        upvotes,
        topics,
    };

    /// <summary>Four days with entries (today, 1, 2 and 5 days ago), on two topics.</summary>
    public static readonly object[] FourDays =
    [
        Paper("t-1", "Today on code, few votes", 0, 3, "code-models"),
        Paper("t-2", "Today on long context, many votes", 0, 40, "long-context"),
        Paper("t-3", "Yesterday on code", 1, 12, "code-models", "evaluation-benchmarks"),
        Paper("t-4", "Two days ago on long context", 2, 25, "long-context"),
        Paper("t-5", "Five days ago on code", 5, 90, "code-models"),
    ];

    public static async Task PostAsync(TestApp app, object[] entries) =>
        (await app.AdminClient().PostAsJsonAsync("/api/entries", entries)).EnsureSuccessStatusCode();
}
