using Hangfire;
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
        builder.Services.AddSingleton<DomainPacer>();
        // Scoped: one planner per job, so its window cache lives as long as one batch.
        builder.Services.AddScoped<DigestPlanner>();
        builder.Services.AddSingleton<WindowCache>();
        builder.Services.AddSingleton<PreparedInterests>();
        builder.Services.AddSingleton<PlanningWarmup>();
        builder.Services.AddTransient<InterestVectorsJob>();
        builder.Services.AddScoped<DigestRuns>();
        builder.Services.AddSingleton<DigestRunCanceller>();
        builder.Services.AddScoped<DeliveryBatchJob>();
        builder.Services.AddScoped<DeliveryClaimer>();
        builder.Services.AddScoped<ChunkSender>();
        builder.Services.AddScoped<DigestScheduleJob>();
        builder.Services.AddScoped<DeliverySupervisorJob>();
        if (settings.JobServer.Server)
        {
            // Digest batches have a server of their own, one worker per SMTP connection: a large run can
            // neither starve the confirmations and retries on the default queue nor open more connections.
            builder.Services.AddHangfireServer(options =>
            {
                options.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:delivery";
                options.Queues = [DeliveryBatchJob.DeliveryQueue];
                options.WorkerCount = settings.Delivery.Connections;
                options.SchedulePollingInterval = settings.Jobs.SchedulePollingInterval;
            });
        }

        return builder;
    }

    public static WebApplication MapDelivery(this WebApplication app)
    {
        app.MapDigestsApi();
        app.MapFeedbackPage();
        return app;
    }
}
