using Dapper;
using System.Text.Json;
using Newsletter.Subscriptions.Topics;
using Newsletter.Web;

namespace Newsletter.Admin.Pages;

/// <summary>
/// <c>/admin/topics</c>: the topic list (archived last), create, edit, archive. A form with errors
/// comes back (400) with each message next to its field and the values kept; nothing is stored.
/// </summary>
public static class TopicPages
{
    public static void MapTopicPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/topics", async (string? done, HttpContext context, AdminTopicQueries queries, PageRenderer pages, CancellationToken ct) =>
        {
            var topics = await queries.ListAllAsync(ct);
            return await pages.RenderAsync(context, "admin/topics", new
            {
                Nav = "topics",
                Flash = AdminFlash.For(done),
                Topics = topics.Select(t => new { t.Slug, t.Name, t.Description, t.Archived, Subscribers = AdminText.Count(t.Subscribers), Keywords = string.Join(", ", Keywords(t.Keywords)) }).ToList(),
            }, title: "Topics");
        });

        admin.MapGet("/topics/new", (HttpContext context, PageRenderer pages) =>
            FormAsync(context, pages, new TopicForm("", "", "", "", ""), new FieldErrors(), isNew: true, StatusCodes.Status200OK));
        admin.MapPost("/topics", async (HttpContext context, TopicStore topics, PageRenderer pages, CancellationToken ct) =>
        {
            var form = Read(context.Request.Form, slugFromRoute: null);
            var (input, errors) = Validate(form);
            if (input is not null && !await topics.CreateAsync(input, ct))
            {
                errors.Add("slug", "A topic with this slug exists already (perhaps archived: edit it to bring it back).");
            }

            return errors.Count > 0
                ? await FormAsync(context, pages, form, errors, isNew: true, StatusCodes.Status400BadRequest)
                : AdminForms.Done(context, "/admin/topics", "created");
        });

        admin.MapGet("/topics/{slug}", async (string slug, HttpContext context, TopicStore topics, PageRenderer pages, CancellationToken ct) =>
            await topics.FindAsync(slug, ct) is not { } topic
                ? await SubscriberPages.NotFoundAsync(context, pages)
                : await FormAsync(context, pages,
                    new TopicForm(topic.Slug, topic.Name, topic.Description, string.Join(", ", Keywords(topic.Keywords)), topic.Position.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new FieldErrors(), isNew: false, StatusCodes.Status200OK, topic.Archived));
        admin.MapPost("/topics/{slug}", async (string slug, HttpContext context, TopicStore topics, PageRenderer pages, CancellationToken ct) =>
        {
            var form = Read(context.Request.Form, slug);
            var (input, errors) = Validate(form);
            if (errors.Count > 0)
            {
                return await FormAsync(context, pages, form, errors, isNew: false, StatusCodes.Status400BadRequest);
            }

            return await topics.UpdateAsync(input!, ct) ? AdminForms.Done(context, "/admin/topics", "saved") : await SubscriberPages.NotFoundAsync(context, pages);
        });

        admin.MapGet("/topics/{slug}/archive", async (string slug, HttpContext context, TopicStore topics, PageRenderer pages, CancellationToken ct) =>
            await topics.FindAsync(slug, ct) is not { } topic
                ? await SubscriberPages.NotFoundAsync(context, pages)
                : await pages.RenderAsync(context, "admin/confirm", new ConfirmAction("topics", "Archive topic",
                    $"Archive the topic “{topic.Name}”?", "The subscription form stops offering it and digests stop matching it. Subscribers' choices and the consent trail keep it; editing the topic brings it back.",
                    $"/admin/topics/{slug}/archive", "Archive", Danger: true, "/admin/topics"), title: "Archive topic"));
        admin.MapPost("/topics/{slug}/archive", async (string slug, HttpContext context, TopicStore topics, CancellationToken ct) =>
            AdminForms.Done(context, "/admin/topics", await topics.ArchiveAsync(slug, ct) ? "archived" : "nothing"));
    }

    private static TopicForm Read(IFormCollection form, string? slugFromRoute) =>
        new(slugFromRoute ?? form["slug"].ToString().Trim(), form["name"].ToString().Trim(), form["description"].ToString().Trim(),
            form["keywords"].ToString(), form["position"].ToString().Trim());

    /// <summary>The admin API's rules (<see cref="TopicsAdminApi"/>), for a form.</summary>
    internal static (TopicInput? Input, FieldErrors Errors) Validate(TopicForm form)
    {
        var errors = new FieldErrors();
        if (form.Slug.Length is 0 or > 40 || form.Slug.Any(c => c is not (>= 'a' and <= 'z' or >= '0' and <= '9' or '-')))
        {
            errors.Add("slug", "A slug is 1 to 40 characters: a-z, 0-9 and '-'.");
        }

        Text(form.Name, "name", "A name", 80, errors);
        Text(form.Description, "description", "A description", 500, errors);
        var keywords = form.Keywords.Split([',', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        if (keywords.Any(k => k.Length > 80 || k.Any(char.IsControl)))
        {
            errors.Add("keywords", "Each keyword is at most 80 characters.");
        }

        int? position = null;
        if (form.Position.Length > 0)
        {
            if (int.TryParse(form.Position, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p <= TopicsAdminApi.MaxPosition)
            {
                position = p;
            }
            else
            {
                errors.Add("position", $"The position is a whole number from 0 to {TopicsAdminApi.MaxPosition}.");
            }
        }

        return errors.Count > 0 ? (null, errors) : (new TopicInput(form.Slug, form.Name, form.Description, keywords, position), errors);
    }

    private static void Text(string value, string field, string label, int max, FieldErrors errors)
    {
        if (value.Length == 0)
        {
            errors.Add(field, $"{label} is required.");
        }
        else if (value.Length > max || value.Any(char.IsControl))
        {
            errors.Add(field, $"{label} is at most {max} characters, on one line.");
        }
    }

    private static async Task<IResult> FormAsync(HttpContext context, PageRenderer pages, TopicForm form, FieldErrors errors, bool isNew, int status, bool archived = false) =>
        await pages.RenderAsync(context, "admin/topic", new
        {
            Nav = "topics",
            IsNew = isNew,
            Archived = archived,
            Form = form,
            Errors = AdminForms.ForPage(errors),
            HasErrors = errors.Count > 0,
            Action = isNew ? "/admin/topics" : $"/admin/topics/{Uri.EscapeDataString(form.Slug)}",
        }, status, isNew ? "New topic" : form.Name);

    private static List<string> Keywords(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

public sealed record TopicForm(string Slug, string Name, string Description, string Keywords, string Position);

/// <summary>Every topic with its follower count, for the admin list.</summary>
public sealed class AdminTopicQueries(Data.IDbConnectionFactory connections, Data.SqlCatalog sql)
{
    private readonly string listAll = sql["admin-list-topics"];

    public async Task<IReadOnlyList<TopicListRow>> ListAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<TopicListRow>(listAll)).AsList();
    }
}

public sealed class TopicListRow
{
    public string Slug { get; init; } = "";
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public string Keywords { get; init; } = "[]";
    public bool Archived { get; init; }
    public long Subscribers { get; init; }
}
