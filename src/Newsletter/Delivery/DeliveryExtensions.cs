using Microsoft.Extensions.Options;
using Newsletter.Configuration;

namespace Newsletter.Delivery;

public static class DeliveryExtensions
{
    public static WebApplicationBuilder AddDelivery(this WebApplicationBuilder builder, StartupSettings settings)
    {
        builder.Services.AddSingleton(Options.Create(settings.Delivery));
        builder.Services.AddSingleton(Options.Create(settings.Digest));
        builder.Services.AddSingleton<DigestRunStore>();
        builder.Services.AddSingleton<DeliveryStore>();
        builder.Services.AddSingleton<DigestComposer>();
        builder.Services.AddSingleton<DeliveryThrottle>();
        // Scoped: one planner per job, so its window cache lives as long as one batch.
        builder.Services.AddScoped<DigestPlanner>();
        builder.Services.AddScoped<DigestRuns>();
        builder.Services.AddScoped<DeliveryBatchJob>();
        builder.Services.AddScoped<DigestScheduleJob>();
        builder.Services.AddScoped<DeliverySupervisorJob>();
        return builder;
    }

    public static WebApplication MapDelivery(this WebApplication app)
    {
        app.MapDigestsApi();
        app.MapFeedbackPage();
        return app;
    }
}
