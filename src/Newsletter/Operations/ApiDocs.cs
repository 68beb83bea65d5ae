using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Newsletter.Admin;
using Scalar.AspNetCore;

namespace Newsletter.Operations;

/// <summary>
/// The OpenAPI description at <c>/openapi/v1.json</c> and its reference UI at <c>/docs</c>.
/// The document holds the JSON API only (<c>/api/*</c>, <c>/health/*</c>, <c>/metrics</c> and any
/// endpoint marked with <see cref="ApiDocsExtensions.InApiDocs{TBuilder}"/>): pages and the Hangfire
/// dashboard are for browsers, not clients. Endpoints behind the admin key carry
/// <see cref="AdminKeyRequirement"/> metadata (added by <c>RequireAdminKey()</c>), which becomes
/// the <c>X-Api-Key</c> security requirement and a 401 answer here.
/// </summary>
public static class ApiDocs
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string UiPath = "/docs";
    public const string SecurityScheme = "AdminKey";

    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description =>
                description.ActionDescriptor.EndpointMetadata.OfType<InApiDocsMetadata>().Any()
                || (description.RelativePath ?? "").StartsWith("api/", StringComparison.Ordinal)
                || (description.RelativePath ?? "").StartsWith("health/", StringComparison.Ordinal);
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Newsletter API",
                    Version = "v1",
                    Description = "Subscriptions, topics, entries, digest runs and operations. Admin endpoints need the admin key in the X-Api-Key header "
                        + "(or Authorization: Bearer). Errors are RFC 9457 problem details; a 400 names each bad field in `errors`.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = AdminKey.HeaderName,
                    Description = "The admin key (Admin__ApiKey, or the one generated into the data directory).",
                };
                MetricsEndpoint.Describe(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AdminKeyRequirement>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, context.Document)] = [] });
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).ExcludeFromDescription();
        app.MapScalarApiReference(UiPath, options => options
                .WithTitle("Newsletter API")
                .WithOpenApiRoutePattern(DocumentPath)
                // Offline: the script is served from the package (/docs/scalar.js); no web fonts from Scalar's CDN.
                .DisableDefaultFonts()
                .AddPreferredSecuritySchemes(SecurityScheme))
            .ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
            {
                // The reference UI runs an inline bootstrap script and inline styles; everything still comes from us.
                context.HttpContext.Response.Headers.ContentSecurityPolicy =
                    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
                    + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
                return await next(context);
            });
        return app;
    }
}
