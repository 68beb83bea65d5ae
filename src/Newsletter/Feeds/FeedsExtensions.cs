using Microsoft.Extensions.Options;
using Newsletter.Configuration;

namespace Newsletter.Feeds;

public static class FeedsExtensions
{
    public static WebApplicationBuilder AddFeeds(this WebApplicationBuilder builder, StartupSettings settings)
    {
        builder.Services.AddSingleton(Options.Create(settings.Feeds));
        builder.Services.AddSingleton<FeedStore>();
        builder.Services.AddScoped<FeedPollJob>();
        builder.Services.AddHttpClient(FeedPollJob.HttpClientName, client =>
        {
            client.Timeout = settings.Feeds.Timeout;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Newsletter-FeedPoller/1.0 (+self-hosted digest)");
            client.DefaultRequestHeaders.Accept.ParseAdd("application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8");
        });
        return builder;
    }
}
