using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Feeds;
using Newsletter.Tests.Infrastructure;

namespace Newsletter.Tests.Feeds;

[Collection(AppCollection.Name)]
public sealed class FeedPollTests
{
    [Fact]
    public async Task Poll_TakesNewItems_ThenAsksConditionally_AndAnUnchangedFeedCostsA304()
    {
        await using var feed = new LocalFeedServer(FeedParserTests.ArxivStyleRss, etag: "\"v1\"");
        await using var app = await TestApp.StartAsync(new()
        {
            ["Feeds:Sources:0:Name"] = "arxiv-test",
            ["Feeds:Sources:0:Url"] = feed.Url,
        });

        await PollAsync(app);
        Assert.Equal(2, app.CountRows("entries WHERE source = 'feed:arxiv-test'"));
        Assert.Null(feed.Requests[0].IfNoneMatch);

        await PollAsync(app);
        Assert.Equal("\"v1\"", feed.Requests[1].IfNoneMatch);
        Assert.Equal(304, feed.Requests[1].Status);
        Assert.Equal(2, app.CountRows("entries"));
        Assert.Equal(1, app.CountRows("feed_state WHERE name = 'arxiv-test' AND last_status = 304 AND etag = '\"v1\"'"));
    }

    [Fact]
    public async Task AFeedThatFails_IsRecordedWithItsError_AndDoesNotStopTheOthers()
    {
        await using var good = new LocalFeedServer(FeedParserTests.ArxivStyleRss, etag: null);
        await using var app = await TestApp.StartAsync(new()
        {
            ["Feeds:Sources:0:Name"] = "broken",
            ["Feeds:Sources:0:Url"] = "http://127.0.0.1:9/nothing-listens-here",
            ["Feeds:Sources:1:Name"] = "good",
            ["Feeds:Sources:1:Url"] = good.Url,
        });

        await PollAsync(app);

        Assert.Equal(1, app.CountRows("feed_state WHERE name = 'broken' AND last_error IS NOT NULL"));
        Assert.Equal(2, app.CountRows("entries WHERE source = 'feed:good'"));
    }

    private static async Task PollAsync(TestApp app)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<FeedPollJob>().RunAsync(CancellationToken.None);
    }

    /// <summary>A feed on loopback that honours If-None-Match, and remembers what it was asked.</summary>
    private sealed class LocalFeedServer : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Task serving;

        public LocalFeedServer(string body, string? etag)
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/feed.xml";
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            serving = ServeAsync(Encoding.UTF8.GetBytes(body.Trim()), etag);
        }

        public string Url { get; }

        public List<(string? IfNoneMatch, int Status)> Requests { get; } = [];

        private async Task ServeAsync(byte[] body, string? etag)
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                var ifNoneMatch = context.Request.Headers["If-None-Match"];
                var status = etag is not null && ifNoneMatch == etag ? 304 : 200;
                Requests.Add((ifNoneMatch, status));
                context.Response.StatusCode = status;
                if (etag is not null)
                {
                    context.Response.Headers["ETag"] = etag;
                }

                if (status == 200)
                {
                    context.Response.ContentType = "application/rss+xml";
                    await context.Response.OutputStream.WriteAsync(body);
                }

                context.Response.Close();
            }
        }

        private static int FreePort()
        {
            using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            await serving;
        }
    }
}
