using Microsoft.Extensions.Options;
using Newsletter.Configuration;
using Newsletter.Email.MailCatcher;
using Newsletter.Templating;

namespace Newsletter.Email;

public static class EmailExtensions
{
    public static WebApplicationBuilder AddEmail(this WebApplicationBuilder builder, StartupSettings settings)
    {
        builder.Services.AddSingleton(Options.Create(settings.Smtp));
        builder.Services.AddSingleton(new TemplateRenderer(settings.TemplatesDirectory, InlineEmailCss));
        builder.Services.AddSingleton(new Mailbox(Path.Combine(settings.DataDirectory, "mailbox")));
        // Registered before Hangfire's server, so the catcher listens before the first job sends.
        builder.Services.AddSingleton<MailCatcherServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MailCatcherServer>());
        builder.Services.AddSingleton<MailKitEmailSender>();
        builder.Services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<MailKitEmailSender>());
        // Read once here, so a bad key stops the start instead of the first send.
        var dkim = Dkim.DkimSigning.Load(settings.Dkim, settings.DataDirectory);
        builder.Services.AddSingleton(_ => dkim); // a factory, so the container disposes it
        builder.Services.AddSingleton<EmailComposer>();
        builder.Services.AddSingleton<ReturnPath>();
        return builder;
    }

    /// <summary>Email HTML templates get their CSS inlined once, here; pages and text templates are left as written.</summary>
    private static string InlineEmailCss(string name, string source, IReadOnlyDictionary<string, string> sources)
    {
        if (!name.StartsWith("email/", StringComparison.Ordinal) || !name.EndsWith(".html", StringComparison.Ordinal))
        {
            return source;
        }

        var layout = sources.GetValueOrDefault("email/_layout.html", "");
        return EmailCssInliner.Inline(source, layout, isLayout: name == "email/_layout.html");
    }
}
