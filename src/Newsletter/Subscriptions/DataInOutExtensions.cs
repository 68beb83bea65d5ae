using Newsletter.Configuration;
using Newsletter.Subscriptions.Erasure;
using Newsletter.Subscriptions.Export;
using Newsletter.Subscriptions.Import;

namespace Newsletter.Subscriptions;

/// <summary>Data in and out: the CSV import and export, and the GDPR rights (access, erasure).</summary>
public static class DataInOutExtensions
{
    public static WebApplicationBuilder AddDataInOut(this WebApplicationBuilder builder, StartupSettings settings, GeneratedSecrets secrets)
    {
        var options = ImportOptions.Read(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new ImportUpload(Path.Combine(settings.DataDirectory, "imports"), options));
        builder.Services.AddSingleton(services => new AddressSuppression(secrets.SigningKey, services.GetRequiredService<Data.SqlCatalog>()));
        builder.Services.AddSingleton<SubscriberImportStore>();
        builder.Services.AddSingleton<ImportRowWriter>();
        builder.Services.AddScoped<SubscriberImportJob>();
        builder.Services.AddScoped<StalledImportsJob>();
        builder.Services.AddSingleton<SubscriberCsvExport>();
        builder.Services.AddSingleton<SubscriberDataExport>();
        builder.Services.AddSingleton<SubscriberEraser>();
        return builder;
    }

    public static WebApplication MapDataInOut(this WebApplication app)
    {
        app.MapSubscriberImportsApi();
        app.MapDataInOutApi();
        app.MapMyDataPages();
        return app;
    }
}
