namespace Newsletter.Subscriptions;

/// <summary>A subscription as it arrives from the form or the JSON API, before validation.</summary>
public sealed record SubscriptionInput(string? Email, IReadOnlyList<string>? Topics, string? Interests, string? Frequency);

/// <summary>A subscription that passed validation: normalised address, known topics, clean interest lines.</summary>
public sealed record ValidSubscription(string Email, IReadOnlyList<string> Topics, IReadOnlyList<string> Interests, string Frequency);
