using Microsoft.Extensions.Options;

namespace Newsletter.Bounces;

public static class BouncesExtensions
{
    public static WebApplicationBuilder AddBounces(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(Options.Create(BounceOptions.Read(builder.Configuration)));
        builder.Services.AddSingleton<BounceStore>();
        builder.Services.AddScoped<BounceProcessor>();
        builder.Services.AddScoped<BounceMailbox>();
        builder.Services.AddScoped<BounceMailboxJob>();
        return builder;
    }

    public static WebApplication MapBounces(this WebApplication app)
    {
        app.MapBouncesApi();
        return app;
    }
}
