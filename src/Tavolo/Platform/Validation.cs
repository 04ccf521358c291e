namespace Tavolo.Platform;

/// <summary>A request body that checks itself; <see cref="ValidationFilter"/> runs it before the handler.</summary>
public interface IValidatable
{
    void Validate(ValidationErrors errors);
}

/// <summary>Field-level errors keyed by the JSON name of the field.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
            _errors[field] = list = [];
        list.Add(message);
    }

    /// <summary>
    /// Checks a required string with a length range, and that it is text: no control character but tab and line breaks
    /// (a NUL cuts strings short in C libraries, logs and terminals), no unpaired surrogate. Returns the trimmed value.
    /// </summary>
    public string? Text(string field, string? value, int min, int max, bool required = true)
    {
        if (value is null)
        {
            if (required) Add(field, "Required.");
            return null;
        }
        var trimmed = value.Trim();
        if (trimmed.Length < min || trimmed.Length > max)
            Add(field, min == max ? $"Must be {min} characters." : $"Must be {min} to {max} characters.");
        else if (!IsText(trimmed))
            Add(field, "Must not contain control characters.");
        return trimmed;
    }

    /// <summary>No C0 control but tab, line feed and carriage return; no DEL or C1 control; well-formed UTF-16.</summary>
    public static bool IsText(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if ((char.IsControl(c) && c is not ('\t' or '\n' or '\r')) || char.IsLowSurrogate(c))
                return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                    return false;
                i++;
            }
        }
        return true;
    }

    public void Range(string field, long? value, long min, long max, bool required = true)
    {
        if (value is null)
        {
            if (required) Add(field, "Required.");
        }
        else if (value < min || value > max)
        {
            Add(field, $"Must be between {min} and {max}.");
        }
    }

    public void OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required = true)
    {
        if (value is null)
        {
            if (required) Add(field, "Required.");
        }
        else if (!allowed.Contains(value))
        {
            Add(field, $"Must be one of: {string.Join(", ", allowed)}.");
        }
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}

/// <summary>Runs <see cref="IValidatable.Validate"/> on every validatable argument; a failure is a 400 problem.</summary>
public sealed class ValidationFilter : IEndpointFilter
{
    /// <summary>The one instance every route shares: the filter holds no state.</summary>
    public static readonly ValidationFilter Instance = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var errors = new ValidationErrors();
        foreach (var argument in context.Arguments)
        {
            if (argument is IValidatable validatable)
                validatable.Validate(errors);
        }
        return errors.IsEmpty ? await next(context) : Problems.Validation(errors);
    }
}

public static class ValidationExtensions
{
    /// <summary>Validate every body and query object on this group's routes, and say so in OpenAPI.</summary>
    /// <remarks>
    /// The shared instance, not <c>AddEndpointFilter&lt;TBuilder, ValidationFilter&gt;()</c>: that one builds the filter
    /// through <c>ActivatorUtilities.CreateFactory</c>, which in the JIT build compiles an expression tree per route group
    /// at start-up and keeps System.Linq.Expressions mapped (about 2 MB of resident memory; docs/performance.md).
    /// </remarks>
    public static TBuilder WithValidation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(ValidationFilter.Instance).ProducesValidationProblem();
}
