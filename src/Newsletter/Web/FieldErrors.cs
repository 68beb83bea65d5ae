namespace Newsletter.Web;

/// <summary>Field name to messages, in the shape of <c>ValidationProblemDetails.Errors</c>.</summary>
public sealed class FieldErrors : Dictionary<string, string[]>
{
    public FieldErrors() : base(StringComparer.Ordinal) { }

    public void Add(string field, string message) =>
        this[field] = TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    public string? For(string field) => TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
