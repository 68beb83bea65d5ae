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

        try
        {
            return (JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 16 }), null);
        }
        catch (JsonException e)
        {
            return (null, Invalid("body", $"The body is not valid JSON: {e.Message}"));
        }
    }

    public static IResult Invalid(string field, string message) => Invalid(new Subscriptions.FieldErrors { { field, [message] } });

    /// <summary>A 400 validation problem; the detail repeats the first field and message for clients that only show detail.</summary>
    public static IResult Invalid(Subscriptions.FieldErrors errors)
    {
        var first = errors.First();
        return TypedResults.ValidationProblem(errors, detail: $"{first.Key}: {first.Value[0]}");
    }
}
