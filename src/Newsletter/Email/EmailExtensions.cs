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
        builder.Services.AddSingleton(new TemplateRenderer(settings.TemplatesDirectory));
        builder.Services.AddSingleton(new Mailbox(Path.Combine(settings.DataDirectory, "mailbox")));
        // Registered before Hangfire's server, so the catcher listens before the first job sends.
        builder.Services.AddSingleton<MailCatcherServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MailCatcherServer>());
        builder.Services.AddSingleton<MailKitEmailSender>();
        builder.Services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<MailKitEmailSender>());
        builder.Services.AddSingleton<EmailComposer>();
        return builder;
    }
}
