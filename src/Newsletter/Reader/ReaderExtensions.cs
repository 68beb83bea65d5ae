namespace Newsletter.Reader;

/// <summary>The reader's web: the papers page, its Atom feeds and the digests' web views.</summary>
public static class ReaderExtensions
{
    public static WebApplicationBuilder AddReader(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReaderStore>();
        return builder;
    }

    public static IEndpointRouteBuilder MapReader(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", PapersPage.RenderAsync);
        routes.MapAtomFeeds();
        routes.MapDigestWebView();
        return routes;
    }
}
