using Microsoft.AspNetCore.Http.Features;

namespace Newsletter.Web;

/// <summary>
/// Reads a posted form with small limits. ASP.NET Core throws when a form breaks its limits or is
/// malformed; that must be a 400 naming the problem, never a 500.
/// </summary>
public static class FormBody
{
    private static readonly FormOptions Limits = new()
    {
        ValueCountLimit = 200,
        ValueLengthLimit = 16 * 1024,
        KeyLengthLimit = 256,
        MultipartBodyLengthLimit = 64 * 1024,
        BufferBodyLengthLimit = 64 * 1024,
    };

    /// <returns>The form, or null with a 400 problem when there is no readable form.</returns>
    public static async Task<(IFormCollection? Form, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return (null, JsonBody.Invalid("body", "Send a form (application/x-www-form-urlencoded)."));
        }

        if (request.ContentLength > Limits.BufferBodyLengthLimit)
        {
            return (null, JsonBody.Invalid("body", $"The form is larger than {Limits.BufferBodyLengthLimit:N0} bytes."));
        }

        try
        {
            request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, Limits));
            return (await request.ReadFormAsync(cancellationToken), null);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, JsonBody.Invalid("body", $"The form could not be read: {e.Message}"));
        }
    }
}
