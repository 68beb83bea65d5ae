using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Newsletter.Admin;
using Newsletter.Configuration;

namespace Newsletter.Web;

public static class WebExtensions
{
    public static WebApplicationBuilder AddWeb(this WebApplicationBuilder builder, StartupSettings settings, GeneratedSecrets secrets)
    {
        // Antiforgery tokens are encrypted with these keys: keep them with the data, so a restart
        // (or another process on the same data) still accepts forms already on screen. On PostgreSQL
        // the processes may run on several machines: the key ring lives in the database.
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("Newsletter");
        if (settings.Database.IsPostgres)
        {
            builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, services) =>
                options.XmlRepository = ActivatorUtilities.CreateInstance<Data.DatabaseXmlRepository>(services));
        }
        else
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(settings.DataDirectory, "keys")));
        }

        // The options were bound and checked once, in StartupSettings; services get those very instances.
        builder.Services.AddSingleton(Options.Create(settings.Newsletter));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new AdminKey(secrets.AdminApiKey));
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddSingleton<PageRenderer>();
        builder.Services.AddProblemDetails();
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "newsletter-antiforgery";
            options.FormFieldName = Subscriptions.Pages.SubscribePage.AntiforgeryField;
            // SecurityHeaders sends the stricter DENY; antiforgery would otherwise set SAMEORIGIN first.
            options.SuppressXFrameOptionsHeader = true;
            // Secure whenever the request came over https: directly, or behind a trusted proxy's X-Forwarded-Proto
            // (ProxyTrust). Not Always: antiforgery then throws on every plain-http request (a 500 on each form).
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }

    public static WebApplication UseWeb(this WebApplication app, StartupSettings settings)
    {
        app.UseErrorPages();
        app.UseSecurityHeaders();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Path.Combine(settings.TemplatesDirectory, "static")),
            RequestPath = "/static",
        });
        app.UseRateLimiter();
        return app;
    }
}
