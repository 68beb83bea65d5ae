using Newsletter.Operations;
using Newsletter.Subscriptions;

namespace Newsletter.Admin;

/// <summary>Admin look-up of one subscriber by address: <c>GET /api/subscribers?email=</c>.</summary>
public static class SubscribersAdminApi
{
    public static RouteGroupBuilder MapSubscribersAdminApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/subscribers").RequireAdminKey().WithTags("Admin");
        admin.MapGet("/", async (string? email, SubscriberStore subscribers, SubscriptionRequestStore requests, CancellationToken ct) =>
        {
            var normalised = EmailAddress.Normalise(email, out var error);
            if (normalised is null)
            {
                return Web.JsonBody.Invalid("email", error!);
            }

            var subscriber = await subscribers.FindByEmailAsync(normalised, ct);
            if (subscriber is null)
            {
                return TypedResults.Problem(title: "Not found", detail: "email: no subscriber has this address.", statusCode: StatusCodes.Status404NotFound);
            }

            var settings = await subscribers.GetSettingsAsync(subscriber.Id, ct);
            await using var connection = await subscribers.OpenAsync(ct);
            var consent = await requests.ListConsentAsync(connection, subscriber.Id);
            return TypedResults.Ok(new SubscriberView(
                subscriber.Email, subscriber.Status, settings.Topics, string.Join('\n', settings.Interests), subscriber.Frequency,
                subscriber.DeliveryHour, subscriber.TimeZone, subscriber.Paused, Utc(subscriber.CreatedAt), Utc(subscriber.ConfirmedAt), Utc(subscriber.UnsubscribedAt),
                consent.Select(c => new ConsentView(c.Kind, System.Text.Json.JsonDocument.Parse(c.Detail).RootElement, c.ClientIp, c.UserAgent, Utc(c.OccurredAt))).ToList()));
        }).ApiDoc<SubscriberView>("One subscriber by address, with the consent trail", StatusCodes.Status200OK, 400, 404);
        return admin;
    }

    // SQLite hands times back without a kind; we store UTC only, so say so in the JSON ("Z").
    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static DateTime? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}

public sealed record SubscriberView(
    string Email, string Status, IReadOnlyList<string> Topics, string Interests, string Frequency, int DeliveryHour, string TimeZone,
    bool Paused, DateTime CreatedAt, DateTime? ConfirmedAt, DateTime? UnsubscribedAt, IReadOnlyList<ConsentView> Consent);

public sealed record ConsentView(string Kind, System.Text.Json.JsonElement Detail, string? ClientIp, string? UserAgent, DateTime OccurredAt);
