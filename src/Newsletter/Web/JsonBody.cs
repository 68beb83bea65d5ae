using System.Text.Json;

namespace Newsletter.Web;

/// <summary>
/// Reads a JSON request body ourselves instead of through model binding, so that every way a body
/// can be wrong (too big, not JSON, wrong types) becomes a 400 that names the field, not a bare 400.
/// </summary>
public static class JsonBody
{
    public const int DefaultMaxBytes = 64 * 1024;

    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpRequest request, int maxBytes = DefaultMaxBytes)
    {
        if (!(request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !(request.ContentType ?? "").Contains("+json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TypedResults.Problem(
                title: "Unsupported media type",
                detail: "Send the body as application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, Invalid("body", $"The body is larger than {maxBytes:N0} bytes."));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, Invalid("body", $"The body is larger than {maxBytes:N0} bytes."));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, Invalid("body", "The body is empty; send a JSON object."));
        }

        var bytes = buffer.ToArray();
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return (null, Invalid("body", "The body is not valid UTF-8."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return (null, Invalid("body", $"The body is not valid JSON: {e.Message}"));
        }

        if (FirstUndecodableString(document.RootElement) is { } where)
        {
            document.Dispose();
            return (null, Invalid(where, "The text holds an escaped lone surrogate (\\ud800-\\udfff), which is not a character."));
        }

        return (document, null);
    }

    /// <summary>
    /// JSON may escape half a UTF-16 surrogate pair ("\ud800"); the parser accepts it, but reading the
    /// string then throws. Every string and property name is checked once here, so handlers can read freely.
    /// </summary>
    /// <returns>The field (top-level property name) holding such a string, or null when there is none.</returns>
    private static string? FirstUndecodableString(JsonElement element, string field = "body")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Decodes(() => element.GetString()) ? null : field;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(e => FirstUndecodableString(e, field)).FirstOrDefault(f => f is not null);
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!Decodes(() => property.Name))
                    {
                        return field;
                    }

                    var name = field == "body" ? property.Name : field;
                    if (FirstUndecodableString(property.Value, name) is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool Decodes(Func<string?> read)
    {
        try
        {
            read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static IResult Invalid(string field, string message) => Invalid(new FieldErrors { { field, [message] } });

    /// <summary>A 400 validation problem; the detail repeats the first field and message for clients that only show detail.</summary>
    public static IResult Invalid(FieldErrors errors)
    {
        var first = errors.First();
        return TypedResults.ValidationProblem(errors, detail: $"{first.Key}: {first.Value[0]}");
    }
}
