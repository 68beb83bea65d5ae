using System.Net;
using System.Xml;
using Hangfire;
using Microsoft.Extensions.Options;
using Newsletter.Entries;

namespace Newsletter.Feeds;

/// <summary>
/// Recurring: fetches each configured feed with a conditional GET (If-None-Match / If-Modified-Since
/// from the last answer), so an unchanged feed costs one 304; new items go through the same
/// ingestion as the API, where duplicates are recognised. One failing feed does not stop the others.
/// </summary>
public sealed class FeedPollJob(
    IHttpClientFactory http, FeedStore states, EntryIngestion ingestion, IOptions<FeedOptions> options, TimeProvider clock, ILogger<FeedPollJob> logger)
{
    public const string HttpClientName = "feeds";
    public const int MaxFeedBytes = 16 * 1024 * 1024;

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var source in options.Value.Sources)
        {
            await PollAsync(source, cancellationToken);
        }
    }

    public async Task PollAsync(FeedSource source, CancellationToken cancellationToken)
    {
        var state = await states.GetAsync(source.Name, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, source.Url);
        if (state is not null && state.Url == source.Url)
        {
            if (state.ETag is { } etag)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            }

            if (state.LastModified is { } modified)
            {
                request.Headers.TryAddWithoutValidation("If-Modified-Since", modified);
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                await states.SaveAsync(source, 304, null, null, null, 0, now, cancellationToken);
                return;
            }

            if (!response.IsSuccessStatusCode)
            {
                await FailAsync(source, (int)response.StatusCode, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", now, cancellationToken);
                return;
            }

            if (response.Content.Headers.ContentLength > MaxFeedBytes)
            {
                await FailAsync(source, 200, $"the feed is larger than {MaxFeedBytes:N0} bytes", now, cancellationToken);
                return;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var limited = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                // Counted while reading: a chunked answer has no length to check beforehand.
                if (limited.Length + read > MaxFeedBytes)
                {
                    await FailAsync(source, 200, $"the feed is larger than {MaxFeedBytes:N0} bytes", now, cancellationToken);
                    return;
                }

                limited.Write(buffer, 0, read);
            }

            limited.Position = 0;
            var items = FeedParser.Parse(limited, source.Name);
            var result = await ingestion.IngestAsync(items.Select((e, i) => (i, e)), $"feed:{source.Name}", cancellationToken);
            await states.SaveAsync(source, 200, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"),
                result.Rejected.Count > 0 ? $"{result.Rejected.Count} items rejected; first: {result.Rejected[0].Reason}" : null,
                items.Count, now, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or XmlException or TaskCanceledException or IOException)
        {
            await FailAsync(source, 0, e.Message, now, cancellationToken);
        }
    }

    private async Task FailAsync(FeedSource source, int status, string error, DateTime now, CancellationToken cancellationToken)
    {
        logger.LogWarning("Feed {Feed} could not be read: {Error}", source.Name, error);
        await states.SaveAsync(source, status, null, null, error, 0, now, cancellationToken);
    }
}
