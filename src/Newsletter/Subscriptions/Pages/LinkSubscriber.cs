namespace Newsletter.Subscriptions.Pages;

/// <summary>Resolves a preferences or unsubscribe token to its subscriber, checking the token version.</summary>
public sealed class LinkSubscriber(SubscriberTokens tokens, SubscriberStore subscribers)
{
    public async Task<Subscriber?> ResolveAsync(string token, TokenPurpose purpose, CancellationToken cancellationToken)
    {
        if (!tokens.TryRead(token, purpose, out var subscriberId, out var version))
        {
            return null;
        }

        var subscriber = await subscribers.GetAsync(subscriberId, cancellationToken);
        return subscriber is not null && subscriber.TokenVersion == version ? subscriber : null;
    }

    public string TokenFor(Subscriber subscriber, TokenPurpose purpose) => tokens.Create(purpose, subscriber.Id, subscriber.TokenVersion);
}
