using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Newsletter.Templating;

/// <summary>
/// Renders the Liquid templates under <c>templates/</c> (Fluid). Every template is parsed once at
/// start, so a syntax error stops the start with the file name instead of failing a request.
/// HTML output is encoded by default: a value from a user is escaped unless a template says otherwise.
/// Templates are named by path without extension: <c>pages/subscribe</c>, <c>email/confirm.html</c>.
/// A template renders inside <c>{folder}/_layout{.suffix}</c> when that exists, as <c>{{ content }}</c>.
/// </summary>
public sealed class TemplateRenderer
{
    private readonly Dictionary<string, IFluidTemplate> templates = new(StringComparer.Ordinal);
    private readonly TemplateOptions options = new();

    /// <param name="prepare">Rewrites a template's source before it is parsed (the email CSS inliner), given its name and every source.</param>
    public TemplateRenderer(string directory, Func<string, string, IReadOnlyDictionary<string, string>, string>? prepare = null)
    {
        Directory = directory;
        var parser = new FluidParser();
        var sources = System.IO.Directory.EnumerateFiles(directory, "*.liquid", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(directory, path).Replace('\\', '/')[..^".liquid".Length], File.ReadAllText);
        foreach (var (name, source) in sources)
        {
            var path = Path.Combine(directory, name + ".liquid");
            if (!parser.TryParse(prepare?.Invoke(name, source, sources) ?? source, out var template, out var error))
            {
                throw new InvalidOperationException($"Template {path} does not parse: {error}");
            }

            templates[name] = template;
        }

        // Our view models are plain records built for templates, so every public member may be read;
        // snake_case names keep templates in Liquid's own style ({{ subscriber.delivery_hour }}).
        options.MemberAccessStrategy = new UnsafeMemberAccessStrategy { MemberNameStrategy = MemberNameStrategies.SnakeCase };
        // {{ text | wrap }} or {{ text | wrap: 72 }}: plain-text email at a readable width (PlainTextWrapper).
        options.Filters.AddFilter("wrap", (input, arguments, _) =>
        {
            var width = arguments.Count > 0 ? (int)arguments.At(0).ToNumberValue() : PlainTextWrapper.DefaultWidth;
            return ValueTask.FromResult<FluidValue>(new StringValue(PlainTextWrapper.Wrap(input.ToStringValue(), width)));
        });
    }

    public string Directory { get; }

    public bool Exists(string name) => templates.ContainsKey(name);

    /// <summary>Renders <paramref name="name"/> with <paramref name="model"/> as its root, wrapped in its layout.</summary>
    public async Task<string> RenderAsync(string name, object model, bool html, IReadOnlyDictionary<string, object?>? globals = null)
    {
        using var writer = new StringWriter();
        await RenderToAsync(writer, name, model, html, globals);
        return writer.ToString();
    }

    /// <summary>
    /// Renders <paramref name="name"/>, wrapped in its layout, straight into <paramref name="writer"/>:
    /// the template is written where the layout says <c>{{ content }}</c>, never held as a string of its
    /// own (a digest run renders thousands of these, and each copy was garbage to collect).
    /// </summary>
    public async Task RenderToAsync(TextWriter writer, string name, object model, bool html, IReadOnlyDictionary<string, object?>? globals = null)
    {
        var encoder = html ? (TextEncoder)HtmlEncoder.Default : NullEncoder.Default;
        var template = Get(name);
        var context = NewContext(model, globals);

        var slash = name.LastIndexOf('/');
        var dot = name.IndexOf('.', slash + 1);
        var layoutName = name[..(slash + 1)] + "_layout" + (dot > 0 ? name[dot..] : "");
        if (!templates.TryGetValue(layoutName, out var layout) || name == layoutName)
        {
            await template.RenderAsync(writer, encoder, context);
            return;
        }

        var layoutContext = NewContext(model, globals);
        layoutContext.SetValue("content", new NestedTemplate(template, context, encoder));
        await layout.RenderAsync(writer, encoder, layoutContext);
    }

    private TemplateContext NewContext(object model, IReadOnlyDictionary<string, object?>? globals)
    {
        var context = new TemplateContext(model, options);
        if (globals is not null)
        {
            foreach (var (key, value) in globals)
            {
                context.SetValue(key, value);
            }
        }

        return context;
    }

    private IFluidTemplate Get(string name) =>
        templates.TryGetValue(name, out var template)
            ? template
            : throw new InvalidOperationException($"No template '{name}.liquid' under {Directory}.");
}
