namespace Newsletter.Subscriptions;

/// <summary>A subscription as it arrives from the form or the JSON API, before validation.</summary>
public sealed record SubscriptionInput(string? Email, IReadOnlyList<string>? Topics, string? Interests, string? Frequency);

/// <summary>A subscription that passed validation: normalised address, known topics, clean interest lines.</summary>
public sealed record ValidSubscription(string Email, IReadOnlyList<string> Topics, IReadOnlyList<string> Interests, string Frequency);

/// <summary>Field name to messages, in the shape of <c>ValidationProblemDetails.Errors</c>.</summary>
public sealed class FieldErrors : Dictionary<string, string[]>
{
    public FieldErrors() : base(StringComparer.Ordinal) { }

    public void Add(string field, string message) =>
        this[field] = TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    public string? For(string field) => TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
