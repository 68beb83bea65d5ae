using System.Text.Json;
using Newsletter.Operations;
using Newsletter.Subscriptions.Topics;
using Newsletter.Web;

namespace Newsletter.Subscriptions;

/// <summary>The public JSON API: <c>POST /api/subscriptions</c> and <c>GET /api/topics</c>.</summary>
public static class SubscriptionsApi
{
    private static readonly string[] Fields = ["email", "topics", "interests", "frequency"];

    public static RouteGroupBuilder MapSubscriptionsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").WithTags("Subscriptions");
        api.MapPost("/subscriptions", SubscribeAsync).RequireRateLimiting(SubscriptionRateLimits.Policy).DisableAntiforgery()
            .ApiDoc<SubscriptionAccepted>("Ask to subscribe: a confirmation email follows (202 whether or not the address is known)",
                StatusCodes.Status202Accepted, 400, 415, 429)
            .Accepts<SubscriptionInput>("application/json");
        api.MapGet("/topics", async (TopicStore topics, CancellationToken ct) =>
            TypedResults.Ok((await topics.ListActiveAsync(ct)).Select(t => new TopicSummary(t.Slug, t.Name, t.Description))))
            .WithSummary("The active topics a subscriber can choose");
        return api;
    }

    private static async Task<IResult> SubscribeAsync(HttpContext context, TopicStore topicStore, SubscriptionService subscriptions, CancellationToken ct)
    {
        var (document, problem) = await JsonBody.ReadAsync(context.Request);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var errors = new FieldErrors();
            var input = Read(document!.RootElement, errors);
            if (input is null)
            {
                return JsonBody.Invalid(errors);
            }

            var known = (await topicStore.ListActiveAsync(ct)).Select(t => t.Slug).ToHashSet(StringComparer.Ordinal);
            var valid = SubscriptionValidator.Validate(input, known, errors);
            if (valid is null)
            {
                return JsonBody.Invalid(errors);
            }

            var wait = await subscriptions.RequestAsync(valid, "api", ClientInfo.From(context), ct);
            if (wait is { } retryAfter)
            {
                return await SubscriptionRateLimits.TooManyRequestsAsync(context, retryAfter);
            }

            return TypedResults.Accepted((string?)null, new SubscriptionAccepted(
                "accepted",
                "If the address can receive our email, a message is on its way. Use its link to confirm."));
        }
    }

    /// <summary>Checks the JSON types field by field; the values themselves are checked by <see cref="SubscriptionValidator"/>.</summary>
    private static SubscriptionInput? Read(JsonElement root, FieldErrors errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "The body must be a JSON object such as {\"email\": \"you@example.org\"}.");
            return null;
        }

        foreach (var repeated in root.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(repeated.Key.Length > 64 ? repeated.Key[..64] : repeated.Key, "This field is given more than once.");
        }

        foreach (var property in root.EnumerateObject().Where(p => !Fields.Contains(p.Name)))
        {
            errors.Add(property.Name.Length > 64 ? property.Name[..64] : property.Name,
                $"Unknown field; the fields are {string.Join(", ", Fields)}.");
        }

        var email = String(root, "email", errors);
        var interests = String(root, "interests", errors);
        var frequency = String(root, "frequency", errors);
        List<string>? topics = null;
        if (root.TryGetProperty("topics", out var topicsElement) && topicsElement.ValueKind != JsonValueKind.Null)
        {
            if (topicsElement.ValueKind != JsonValueKind.Array || topicsElement.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
            {
                errors.Add("topics", "Topics must be an array of topic slugs (strings).");
            }
            else
            {
                topics = topicsElement.EnumerateArray().Select(t => t.GetString()!).ToList();
            }
        }

        return errors.Count == 0 ? new SubscriptionInput(email, topics, interests, frequency) : null;
    }

    private static string? String(JsonElement root, string name, FieldErrors errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(name, $"{name} must be a string (got {value.ValueKind.ToString().ToLowerInvariant()}).");
            return null;
        }

        return value.GetString();
    }
}

public sealed record TopicSummary(string Slug, string Name, string Description);

public sealed record SubscriptionAccepted(string Status, string Message);
