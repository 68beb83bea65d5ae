using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Newsletter.Web;

namespace Newsletter.Subscriptions.Import;

/// <summary>
/// Spools an upload to a file in the data directory's <c>imports</c> folder as it arrives (64 KB at
/// a time, never the whole body in memory), checking the size limit and UTF-8 on the way, then the
/// header. Any problem deletes the file and answers with problem details; nothing is imported.
/// </summary>
public sealed class ImportUpload(string folder, ImportOptions options)
{
    public string Folder => folder;

    public sealed record Spooled(string Path, long Bytes);

    public async Task<(Spooled? File, IResult? Problem)> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsCsv(request.ContentType))
        {
            return (null, TypedResults.Problem(title: "Unsupported media type",
                detail: "Content-Type: send the file as text/csv (UTF-8).", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        if (request.ContentLength > options.MaxBytes)
        {
            return (null, TooLarge());
        }

        // Our own limit replaces Kestrel's (30 MB by default), so a file up to Import:MaxBytes gets through.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        CreateFolder();
        var path = Path.Combine(folder, $"upload-{Guid.NewGuid():N}.csv");
        IResult? problem;
        try
        {
            problem = await SpoolAsync(request.Body, path, cancellationToken) ?? await CheckHeaderAsync(path, cancellationToken);
        }
        catch
        {
            // The client went away mid-upload (or the disk is full): no half file stays behind.
            File.Delete(path);
            throw;
        }

        if (problem is not null)
        {
            File.Delete(path);
            return (null, problem);
        }

        return (new Spooled(path, new FileInfo(path).Length), null);
    }

    private async Task<IResult?> SpoolAsync(Stream body, string path, CancellationToken cancellationToken)
    {
        var checker = new Utf8Checker();
        var chunk = new byte[64 * 1024];
        long total = 0;
        await using var file = new FileStream(path, PrivateFile(FileMode.CreateNew, FileAccess.Write));
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            total += read;
            if (total > options.MaxBytes)
            {
                return TooLarge();
            }

            if (!checker.Check(chunk.AsSpan(0, read), final: false))
            {
                return NotUtf8(checker);
            }

            await file.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
            // Written through: the file grows as the upload arrives, whatever its size.
            await file.FlushAsync(cancellationToken);
        }

        return checker.Check([], final: true) ? null : NotUtf8(checker);
    }

    private static async Task<IResult?> CheckHeaderAsync(string path, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: false);
        var header = await new CsvRecordReader(reader).ReadAsync(cancellationToken);
        var (_, error) = ImportColumns.Parse(StripBom(header));
        return error is null ? null : JsonBody.Invalid("header", error);
    }

    /// <summary>A byte order mark is allowed at the start of the file; it is not part of the first column's name.</summary>
    internal static CsvRecord? StripBom(CsvRecord? header) =>
        header is { Fields: [var first, ..] } && first.StartsWith('\uFEFF')
            ? header with { Fields = [first[1..], .. header.Fields.Skip(1)] }
            : header;

    private Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge() => TypedResults.Problem(
        title: "Payload too large",
        detail: $"body: the file is larger than Import:MaxBytes ({options.MaxBytes:N0} bytes); nothing was imported. Split it into smaller files.",
        statusCode: StatusCodes.Status413PayloadTooLarge);

    private static IResult NotUtf8(Utf8Checker checker) => JsonBody.Invalid("body",
        $"The file is not UTF-8: line {checker.Invalid!.Value.Line}, byte {checker.Invalid.Value.Offset} (counted from 0) is not a valid UTF-8 sequence. Save it as UTF-8 and send it again; nothing was imported.");

    private static bool IsCsv(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var type)
        && type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)
        && (type.Charset.Length == 0 || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private void CreateFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            // The uploads hold addresses: only the service's user may read them.
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    internal static FileStreamOptions PrivateFile(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows() && mode is FileMode.CreateNew or FileMode.Create)
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }
}
