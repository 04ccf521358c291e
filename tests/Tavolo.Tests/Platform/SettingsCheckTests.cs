using Microsoft.Extensions.Configuration;
using Tavolo.Platform;

namespace Tavolo.Tests.Platform;

/// <summary>The settings check refuses what Tavolo could not run with, and nothing a deployment legitimately sets.</summary>
public sealed class SettingsCheckTests
{
    private static void Check(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var options = configuration.GetSection(TavoloOptions.Section).Get<TavoloOptions>() ?? new TavoloOptions();
        SettingsCheck.Validate(configuration, options);
    }

    [Fact]
    public void The_defaults_pass() => Check();

    [Theory]
    [InlineData("auth")]
    [InlineData("notifications")]
    [InlineData("authorizer")]
    public void A_function_that_reads_no_promo_codes_needs_no_connection_string(string module) =>
        // deploy/template.yaml sets Tavolo__PromoCodes__Storage=postgres for every function, the connection string
        // only on the two that read promo codes.
        Check(("Tavolo:PromoCodes:Storage", "postgres"), ("Tavolo:Modules", module), ("Tavolo:Hosting", "lambda"), ("Tavolo:PublicBaseUrl", ""));

    [Theory]
    [InlineData("orders")]
    [InlineData("promo-codes")]
    public void A_function_that_reads_promo_codes_needs_the_connection_string(string module)
    {
        var refused = Assert.Throws<StartupException>(() => Check(("Tavolo:PromoCodes:Storage", "postgres"), ("Tavolo:Modules", module)));
        Assert.Equal(ExitCodes.Setting, refused.ExitCode);
        Assert.Contains("Tavolo__PromoCodes__ConnectionString", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_setting_is_named_in_one_line()
    {
        var refused = Assert.Throws<StartupException>(() => Check(("Tavolo:Streams:MaxTotal", "0"), ("Tavolo:Queue", "kafka"), ("Tavolo:Smtp:Security", "tls")));
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Contains("Tavolo__Streams__MaxTotal=0", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Tavolo__Queue='kafka'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Tavolo__Smtp__Security='tls'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("those settings", refused.Fix, StringComparison.Ordinal);
    }
}
