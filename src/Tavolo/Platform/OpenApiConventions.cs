using System.Text;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tavolo.Platform;

/// <summary>
/// What makes the generated document one a client team can lint and generate a client from (Redocly's recommended
/// rules), applied once to the whole document so that routes added later get it too: an <c>operationId</c> on every
/// operation, an explicit security requirement on each (<c>[{}]</c>: anonymous), the 4xx answers the contract
/// promises for bodies, queries and ids, a description on every tag, and server URLs without a trailing slash.
/// </summary>
internal static class OpenApiConventions
{
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Auth"] = "Registration, login, token refresh and logout, the caller's sessions and the public signing keys.",
        ["Users"] = "The caller's account; every account for an admin.",
        ["Waitlists"] = "A restaurant's waitlists, the parties in line and their \"your table is ready\" notifications.",
        ["Guests"] = "Self check-in, and a party's own view of its place in line (by its guest token).",
        ["Restaurants"] = "Restaurants and their menus.",
        ["Orders"] = "Orders placed by customers with a restaurant, priced by the server; idempotent by orderId.",
        ["Promo codes"] = "Discount codes a restaurant gives its customers, their validation and the back-office query.",
        ["Operations"] = "Health and the AWS Lambda event entry point.",
    };

    private static readonly char[] WordBreaks = ['{', '}', '-', '.', '_', '?', '*', ':'];

    public static Task ApplyAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var server in document.Servers ?? [])
        {
            if (server.Url is { Length: > 1 } url && url.EndsWith('/'))
                server.Url = url.TrimEnd('/');
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var operations = document.Paths?.SelectMany(path => path.Value.Operations?
            .Select(operation => (Path: path.Key, Method: operation.Key, Operation: operation.Value)) ?? []).ToList() ?? [];
        foreach (var (_, _, operation) in operations)
        {
            if (!string.IsNullOrEmpty(operation.OperationId))
                ids.Add(operation.OperationId);
        }
        foreach (var (path, method, operation) in operations)
        {
            if (string.IsNullOrEmpty(operation.OperationId))
                operation.OperationId = Unique(OperationId(method, path), ids);
            if (operation.Security is not { Count: > 0 })
                operation.Security = [new OpenApiSecurityRequirement()]; // anonymous: said so, not left to a default
            DescribeQueryParameters(operation);
            AddClientErrors(operation, document);
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (string.IsNullOrEmpty(tag.Description) && tag.Name is { } name)
                tag.Description = TagDescriptions.GetValueOrDefault(name, $"The {name} routes.");
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Money is <c>decimal</c> (12.50, never 12.4999…), but ASP.NET describes a decimal as <c>format: double</c>, so a
    /// generated client would hold prices and totals in binary floating point. <c>format: decimal</c> says what it is.
    /// </summary>
    public static Task MoneyAsDecimal(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(decimal) || type == typeof(decimal?))
            schema.Format = "decimal";
        return Task.CompletedTask;
    }

    /// <summary><c>GET /waitlists/{id}/waitees</c> → <c>getWaitlistsByIdWaitees</c>: readable, stable, unique per method and path.</summary>
    public static string OperationId(HttpMethod method, string path)
    {
        var id = new StringBuilder(method.Method.ToLowerInvariant());
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var parameter = segment.StartsWith('{');
            if (parameter)
                id.Append("By");
            foreach (var word in segment.Split(WordBreaks, StringSplitOptions.RemoveEmptyEntries))
                id.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
        }
        return id.ToString();
    }

    private static string Unique(string id, HashSet<string> taken)
    {
        var candidate = id;
        for (var n = 2; !taken.Add(candidate); n++)
            candidate = id + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return candidate;
    }

    /// <summary>
    /// Query records are bound as text (so that every bad value gets a field error, not a bare 400), which ASP.NET
    /// describes as PascalCase strings: <c>Limit: string</c>. The contract's names are camelCase (binding is
    /// case-insensitive), and a client should be told what the text must hold: a number, a boolean, a time.
    /// </summary>
    private static void DescribeQueryParameters(OpenApiOperation operation)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query))
        {
            if (parameter.Name is not { Length: > 0 } name)
                continue;
            parameter.Name = char.ToLowerInvariant(name[0]) + name[1..];
            parameter.Schema = parameter.Name switch
            {
                "limit" => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "100", Default = 20 },
                "minDiscount" or "maxDiscount" => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "100" },
                "active" => new OpenApiSchema { Type = JsonSchemaType.Boolean },
                "expiresAfter" or "expiresBefore" => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
                _ => parameter.Schema,
            };
        }
    }

    /// <summary>The 4xx the API contract promises: a body or a query can be invalid (400), an id unknown or not yours (404).</summary>
    private static void AddClientErrors(OpenApiOperation operation, OpenApiDocument document)
    {
        operation.Responses ??= [];
        var parameters = operation.Parameters ?? [];
        if (operation.RequestBody is not null || parameters.Any(p => p.In == ParameterLocation.Query))
            operation.Responses.TryAdd("400", Problem("Invalid input: the problem's `errors` name each field.", "HttpValidationProblemDetails", document));
        if (parameters.Any(p => p.In == ParameterLocation.Path))
            operation.Responses.TryAdd("404", Problem("Unknown, or not the caller's to see.", "ProblemDetails", document));
    }

    private static OpenApiResponse Problem(string description, string schema, OpenApiDocument document) => new()
    {
        Description = description,
        Content = document.Components?.Schemas?.ContainsKey(schema) == true
            ? new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, document) } }
            : null,
    };
}
