using System.Text.Json;
using Newsletter.Admin;
using Newsletter.Operations;
using Newsletter.Web;

namespace Newsletter.Subscriptions.Topics;

/// <summary>Admin API for the topic list: create, edit and archive topics (the form shows active ones).</summary>
public static class TopicsAdminApi
{
    private static readonly System.Buffers.SearchValues<char> SlugCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>Far above any real list, far below the integer limit that the next MAX+1 would cross.</summary>
    public const int MaxPosition = 100_000;

    public static RouteGroupBuilder MapTopicsAdminApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/topics").RequireAdminKey().DisableAntiforgery().WithTags("Admin");
        admin.MapPost("/", async Task<IResult> (HttpContext context, TopicStore topics, CancellationToken ct) =>
        {
            var (topic, problem) = await ReadAsync(context.Request, slugFromRoute: null);
            if (problem is not null)
            {
                return problem;
            }

            return await topics.CreateAsync(topic!, ct)
                ? TypedResults.Created($"/api/topics/{topic!.Slug}", new TopicSummary(topic.Slug, topic.Name, topic.Description))
                : TypedResults.Problem(title: "Conflict", detail: $"slug: a topic '{topic!.Slug}' exists already.", statusCode: StatusCodes.Status409Conflict);
        }).ApiDoc<TopicSummary>("Create a topic", StatusCodes.Status201Created, 400, 409, 415).Accepts<TopicInput>("application/json");
        admin.MapPut("/{slug}", async Task<IResult> (string slug, HttpContext context, TopicStore topics, CancellationToken ct) =>
        {
            var (topic, problem) = await ReadAsync(context.Request, slug);
            if (problem is not null)
            {
                return problem;
            }

            return await topics.UpdateAsync(topic!, ct)
                ? TypedResults.Ok(new TopicSummary(topic!.Slug, topic.Name, topic.Description))
                : TypedResults.Problem(title: "Not found", detail: $"No topic has the slug '{slug}'.", statusCode: StatusCodes.Status404NotFound);
        }).ApiDoc<TopicSummary>("Edit a topic (the slug comes from the path)", StatusCodes.Status200OK, 400, 404, 415).Accepts<TopicInput>("application/json");
        admin.MapDelete("/{slug}", async Task<IResult> (string slug, TopicStore topics, CancellationToken ct) =>
            await topics.ArchiveAsync(slug, ct)
                ? TypedResults.NoContent()
                : TypedResults.Problem(title: "Not found", detail: $"No active topic has the slug '{slug}'.", statusCode: StatusCodes.Status404NotFound))
            .ApiDoc("Archive a topic: off the form, kept for its subscribers' history", StatusCodes.Status204NoContent, null, 404);
        return admin;
    }

    private static async Task<(TopicInput? Topic, IResult? Problem)> ReadAsync(HttpRequest request, string? slugFromRoute)
    {
        var (document, problem) = await JsonBody.ReadAsync(request);
        if (problem is not null)
        {
            return (null, problem);
        }

        using (document)
        {
            var root = document!.RootElement;
            var errors = new FieldErrors();
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, JsonBody.Invalid("body", "The body must be a JSON object."));
            }

            var slug = slugFromRoute ?? Text(root, "slug", 40, errors);
            if (slug is not null && (slug.Length == 0 || slug.AsSpan().ContainsAnyExcept(SlugCharacters)))
            {
                errors.Add("slug", "A slug holds only a-z, 0-9 and '-'.");
            }

            var name = Text(root, "name", 80, errors);
            var description = Text(root, "description", 500, errors);
            var keywords = new List<string>();
            if (root.TryGetProperty("keywords", out var k) && k.ValueKind != JsonValueKind.Null)
            {
                if (k.ValueKind != JsonValueKind.Array || k.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || e.GetString()!.Length is 0 or > 80))
                {
                    errors.Add("keywords", "Keywords must be an array of strings of 1 to 80 characters.");
                }
                else
                {
                    keywords = k.EnumerateArray().Select(e => e.GetString()!.Trim()).ToList();
                }
            }

            int? position = null;
            if (root.TryGetProperty("position", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out var value) || value is < 0 or > MaxPosition)
                {
                    errors.Add("position", $"Position must be a whole number from 0 to {MaxPosition}.");
                }
                else
                {
                    position = value;
                }
            }

            return errors.Count > 0
                ? (null, JsonBody.Invalid(errors))
                : (new TopicInput(slug!, name!, description!, keywords, position), null);
        }
    }

    private static string? Text(JsonElement root, string field, int max, FieldErrors errors)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors.Add(field, $"{field} is required and must be a non-empty string.");
            return null;
        }

        var text = value.GetString()!.Trim();
        if (text.Length > max || text.Any(char.IsControl))
        {
            errors.Add(field, $"{field} must be at most {max} characters with no control characters.");
            return null;
        }

        return text;
    }
}
