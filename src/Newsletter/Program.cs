using Newsletter.Admin;
using Newsletter.Cli;
using Newsletter.Configuration;
using Newsletter.Data;
using Newsletter.Delivery;
using Newsletter.Email;
using Newsletter.Entries;
using Newsletter.Feeds;
using Newsletter.Email.MailCatcher;
using Newsletter.Jobs;
using Newsletter.Matching;
using Newsletter.Subscriptions;
using Newsletter.Templating;
using Newsletter.Web;

namespace Newsletter;

public static class Program
{
    public static Task<int> Main(string[] args) => Verbs.RunAsync(args);

    /// <summary>Builds the whole service: web, API, pages, Hangfire server. Tests call this too.</summary>
    public static async Task<WebApplication> BuildAppAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var settings = StartupSettings.Read(builder.Configuration, builder.Environment.ContentRootPath);
        var secrets = GeneratedSecrets.LoadOrCreate(settings.DataDirectory, settings.Newsletter.SigningKey, builder.Configuration["Admin:ApiKey"]);

        builder.AddWeb(settings, secrets);
        builder.AddData(settings);
        builder.AddEmail(settings);
        builder.AddJobs(settings);
        builder.AddSubscriptions(settings, secrets);
        builder.AddEntries();
        builder.AddMatching(settings);
        builder.AddDelivery(settings);
        builder.AddFeeds(settings);

        var app = builder.Build();
        app.WarnIfOthersCanRead(settings);
        await app.MigrateDatabaseAsync();
        await app.SeedTopicsAsync();

        app.UseWeb(settings);
        app.MapSubscriptions();
        app.MapEntries();
        app.MapDelivery();
        app.MapSubscribersAdminApi();
        if (app.Services.GetRequiredService<MailCatcherServer>().Enabled)
        {
            app.MapMailbox();
        }

        app.MapJobsDashboard();
        app.RegisterRecurringJobs(settings);
        return app;
    }
}
