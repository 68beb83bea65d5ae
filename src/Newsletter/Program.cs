using Newsletter.Admin;
using Newsletter.Admin.Pages;
using Newsletter.Bounces;
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
using Newsletter.Operations;
using Newsletter.Reader;
using Newsletter.Subscriptions;
using Newsletter.Templating;
using Newsletter.Web;

namespace Newsletter;

public static class Program
{
    public static Task<int> Main(string[] args) => Verbs.RunAsync(args);

    /// <summary>
    /// Builds the whole service: web, API, pages, Hangfire server; or, as a <see cref="ProcessRole.Worker"/>,
    /// the job server with health endpoints only. Tests call this too.
    /// </summary>
    public static async Task<WebApplication> BuildAppAsync(string[] args, Action<WebApplicationBuilder>? configure = null, ProcessRole role = ProcessRole.Serve)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot.Choose(args) });
        configure?.Invoke(builder);
        if (role == ProcessRole.Worker)
        {
            builder.Configuration["Jobs:Server"] = "true";
            if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            {
                // Beside a web process on the same machine, which has :5000.
                builder.WebHost.UseUrls("http://localhost:5001");
            }
        }

        var settings = StartupSettings.Read(builder.Configuration, builder.Environment.ContentRootPath);
        DataDirectoryPermissions.CreateIfMissing(settings.DataDirectory);
        var database = await AppDatabase.OpenAsync(settings);
        var secrets = await SharedSecrets.LoadAsync(settings, database, builder.Configuration["Admin:ApiKey"], TimeProvider.System);

        builder.AddProxyTrust();
        builder.AddWeb(settings, secrets);
        builder.AddData(database);
        builder.AddEmail(settings);
        builder.AddBounces();
        builder.AddJobs(settings);
        builder.AddSubscriptions(settings, secrets);
        builder.AddDataInOut(settings, secrets);
        builder.AddEntries();
        builder.AddMatching(settings);
        builder.AddDelivery(settings);
        builder.AddFeeds(settings);
        builder.AddReader();
        builder.AddOperations(settings);
        builder.AddAdminPages(secrets);
        builder.Services.AddSingleton(secrets);
        builder.Services.AddSingleton<KeyFingerprints>();
        builder.Services.AddHostedService<KeyFingerprintRefresher>();

        var app = builder.Build();
        app.WarnIfOthersCanRead(settings);
        app.LogAppliedMigrations();
        await app.SeedTopicsAsync();

        app.UseProxyTrust();
        app.UseWeb(settings);
        app.MapHealth(settings.JobServer.Server);
        app.MapOperations(role);
        if (role == ProcessRole.Serve)
        {
            app.MapSubscriptions();
            app.MapReader();
            app.MapEntries();
            app.MapDelivery();
            app.MapSubscribersAdminApi();
            app.MapDataInOut();
            app.MapAdminPages();
            app.MapBounces();
            if (app.Services.GetRequiredService<MailCatcherServer>().Enabled)
            {
                app.MapMailbox();
            }

            app.MapJobsDashboard();
        }

        app.RegisterRecurringJobs(settings);
        return app;
    }
}
