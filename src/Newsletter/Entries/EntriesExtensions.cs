namespace Newsletter.Entries;

public static class EntriesExtensions
{
    public static WebApplicationBuilder AddEntries(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EntryStore>();
        builder.Services.AddSingleton<EntryIngestion>();
        return builder;
    }

    public static WebApplication MapEntries(this WebApplication app)
    {
        app.MapEntriesApi();
        return app;
    }
}
