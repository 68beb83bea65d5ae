using Newsletter.Configuration;

namespace Newsletter.Admin.Pages;

/// <summary>The admin pages under /admin: their session, their queries, their routes.</summary>
public static class AdminPagesExtensions
{
    public static WebApplicationBuilder AddAdminPages(this WebApplicationBuilder builder, GeneratedSecrets secrets)
    {
        builder.Services.AddAdminSession(secrets.AdminApiKey);
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSingleton<AdminSubscriberQueries>();
        builder.Services.AddSingleton<AdminEntryQueries>();
        builder.Services.AddSingleton<AdminRunQueries>();
        builder.Services.AddSingleton<AdminTopicQueries>();
        builder.Services.AddSingleton<TemplatePreviews>();
        return builder;
    }

    public static RouteGroupBuilder MapAdminPages(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").ExcludeFromDescription();
        admin.MapSignInPage();

        var pages = admin.MapGroup("").AddEndpointFilter<AdminPageFilter>();
        pages.MapOverviewPage();
        pages.MapSubscriberPages();
        pages.MapRunPages();
        pages.MapEntryPages();
        pages.MapTopicPages();
        pages.MapTemplatePages();
        return admin;
    }
}
