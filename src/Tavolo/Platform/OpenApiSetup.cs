using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Tavolo.Platform;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>: generated from the routes, plus the bearer scheme and error codes.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddTavoloOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Tavolo API",
                    Version = "v1",
                    Description = "Auth and sessions, users, waitlists, orders and promo codes. Errors are RFC 9457 problem details.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An access token from POST /auth/login or /auth/refresh.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [],
                    });
                    operation.Responses ??= [];
                    operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Missing, invalid, expired or revoked token." });
                    operation.Responses.TryAdd("403", new OpenApiResponse { Description = "Authenticated, but the role may not do this." });
                }
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer(OpenApiConventions.MoneyAsDecimal);
            options.AddDocumentTransformer(OpenApiConventions.ApplyAsync); // last: operationIds, security, 4xx, tags, servers
        });

    /// <summary>
    /// <c>/docs</c>: the interactive reference (Scalar) over the same document. Scalar serves its scripts under /docs/;
    /// the page itself is Tavolo's (<c>Web/app/docs/</c>), which starts the reference from a module instead of Scalar's
    /// inline script, so it carries a Content-Security-Policy with no inline script (<see cref="Web.WebModule.DocsPolicy"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapTavoloDocs(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference("/docs", scalar => scalar.WithTitle("Tavolo API").DisableDefaultFonts()); // no font CDN: the page uses only this server
        app.MapGet("/docs/", Web.WebModule.DocsPage).ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}
