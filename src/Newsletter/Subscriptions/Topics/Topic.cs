namespace Newsletter.Subscriptions.Topics;

/// <summary>A row of the topics table; <see cref="Keywords"/> is stored as a JSON array.</summary>
public sealed class Topic
{
    public long Id { get; init; }
    public string Slug { get; init; } = "";
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public string Keywords { get; init; } = "[]";
    public long Position { get; init; }
    public bool Archived { get; init; }
}
