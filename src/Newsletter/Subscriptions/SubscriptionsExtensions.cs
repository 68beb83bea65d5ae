using Microsoft.Extensions.Options;
using Newsletter.Configuration;
using Newsletter.Subscriptions.Pages;
using Newsletter.Subscriptions.Topics;
using Newsletter.Web;

namespace Newsletter.Subscriptions;

public static class SubscriptionsExtensions
{
    public static WebApplicationBuilder AddSubscriptions(this WebApplicationBuilder builder, StartupSettings settings, GeneratedSecrets secrets)
    {
        builder.Services.AddSingleton(Options.Create(settings.RateLimiting));
        builder.Services.AddSingleton(new SubscriberTokens(secrets.SigningKey));
        builder.Services.AddSingleton<SubscriberStore>();
        builder.Services.AddSingleton<SubscriptionRequestStore>();
        builder.Services.AddSingleton<TopicStore>();
        builder.Services.AddSingleton<LinkSubscriber>();
        builder.Services.AddScoped<SubscriptionService>();
        builder.Services.AddScoped<SubscriptionEmailJobs>();
        builder.Services.AddScoped<SubscriptionHousekeepingJob>();
        builder.Services.AddScoped<ConfirmationSweepJob>();
        builder.Services.AddSubscriptionRateLimits(settings.RateLimiting);
        return builder;
    }

    public static WebApplication MapSubscriptions(this WebApplication app)
    {
        app.MapSubscriptionsApi();
        app.MapSubscribePage();
        app.MapConfirmPage();
        app.MapPreferencesPage();
        app.MapUnsubscribePage();
        app.MapTopicsAdminApi();
        return app;
    }

    public static async Task SeedTopicsAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<TopicStore>().SeedDefaultsOnceAsync(DefaultTopics.Load());
}
