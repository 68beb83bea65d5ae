using System.Reflection;
using System.Text;

namespace Newsletter.Data;

/// <summary>
/// Every named query of one SQL dialect, read once at start-up from the embedded <c>.sql</c> files:
/// those both dialects share in <c>Data/Sql/Common</c>, and those that differ in the dialect's folder.
/// A file holds blocks that start with <c>-- name: some-query</c>; the block runs to the next name.
/// Asking for a name that does not exist throws, and the typed query classes ask for all of theirs
/// in their constructors, so a typo fails the start, not a request.
/// </summary>
public sealed class SqlCatalog
{
    private readonly Dictionary<string, string> queries;

    private SqlCatalog(string dialect, Dictionary<string, string> queries)
    {
        Dialect = dialect;
        this.queries = queries;
    }

    public string Dialect { get; }

    public IEnumerable<string> Names => queries.Keys;

    public string this[string name] =>
        queries.TryGetValue(name, out var sql)
            ? sql
            : throw new InvalidOperationException($"No SQL query named '{name}' in the {Dialect} query files (Data/Sql/{Dialect}).");

    /// <summary>The queries both dialects share (<c>Data/Sql/Common</c>) and the dialect's own; a name in both is an error.</summary>
    public static SqlCatalog Load(string dialect)
    {
        var assembly = typeof(SqlCatalog).Assembly;
        var prefixes = new[] { "Common", dialect }.Select(folder => $"{assembly.GetName().Name}.Data.Sql.{folder}.").ToArray();
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => prefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal))))
        {
            foreach (var (name, sql) in Parse(ReadResource(assembly, resource)))
            {
                if (!queries.TryAdd(name, sql))
                {
                    throw new InvalidOperationException($"The SQL query name '{name}' appears twice in the {dialect} query files.");
                }
            }
        }

        return new SqlCatalog(dialect, queries);
    }

    internal static IEnumerable<(string Name, string Sql)> Parse(string text)
    {
        string? name = null;
        var body = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("-- name:", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    yield return (name, body.ToString().Trim());
                }

                name = trimmed["-- name:".Length..].Trim();
                body.Clear();
            }
            else if (name is not null)
            {
                body.AppendLine(line.TrimEnd('\r'));
            }
        }

        if (name is not null)
        {
            yield return (name, body.ToString().Trim());
        }
    }

    internal static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing embedded resource {resource}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
