using Tavolo.Restaurants;

namespace Tavolo.Tests.Restaurants;

/// <summary>Time zones from the system's tz database (with daylight saving), currencies and countries by their ISO lists.</summary>
public sealed class ProfileRulesTests
{
    [Fact]
    public void A_zone_with_daylight_saving_gives_each_instant_its_local_day()
    {
        var rome = ProfileRules.Zone("Europe/Rome");
        Assert.NotNull(rome);
        Assert.Equal(TimeSpan.FromHours(1), rome.GetUtcOffset(new DateTime(2026, 1, 15, 12, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(TimeSpan.FromHours(2), rome.GetUtcOffset(new DateTime(2026, 7, 15, 12, 0, 0, DateTimeKind.Utc)));
        // 22:30 UTC on 15 July is 00:30 on the 16th in Rome (summer time), but still the 15th in January's 23:30.
        Assert.Equal(new DateOnly(2026, 7, 16), ProfileRules.LocalDate(new DateTime(2026, 7, 15, 22, 30, 0, DateTimeKind.Utc), "Europe/Rome"));
        Assert.Equal(new DateOnly(2026, 1, 15), ProfileRules.LocalDate(new DateTime(2026, 1, 15, 22, 30, 0, DateTimeKind.Utc), "Europe/Rome"));
        // The night the clocks go back (25 Oct 2026): 00:30 and 01:30 UTC are both 02:30-ish local, one day.
        Assert.Equal(new DateOnly(2026, 10, 25), ProfileRules.LocalDate(new DateTime(2026, 10, 25, 0, 30, 0, DateTimeKind.Utc), "Europe/Rome"));
        Assert.Equal(new DateOnly(2026, 3, 9), ProfileRules.LocalDate(new DateTime(2026, 3, 9, 4, 0, 0, DateTimeKind.Utc), "UTC"));
        Assert.Equal(new DateOnly(2026, 3, 8), ProfileRules.LocalDate(new DateTime(2026, 3, 9, 3, 30, 0, DateTimeKind.Utc), "America/New_York")); // 23:30 EDT (summer time from 8 March)
        Assert.Equal(new DateOnly(2026, 3, 9), ProfileRules.LocalDate(new DateTime(2026, 3, 9, 4, 30, 0, DateTimeKind.Utc), "America/New_York"));
    }

    [Theory]
    [InlineData("UTC", true)]
    [InlineData("Europe/Rome", true)]
    [InlineData("America/Argentina/Buenos_Aires", true)]
    [InlineData("Eastern Standard Time", false)]
    [InlineData("Mars/Olympus", false)]
    [InlineData("../../../etc/passwd", false)]
    [InlineData("/etc/localtime", false)]
    [InlineData("", false)]
    public void Only_IANA_zones_the_system_knows_are_zones(string id, bool known) => Assert.Equal(known, ProfileRules.Zone(id) is not null);

    [Fact]
    public void Currencies_and_countries_are_the_ISO_codes_in_upper_case()
    {
        Assert.True(ProfileRules.IsCurrency("EUR") && ProfileRules.IsCurrency("JPY") && ProfileRules.IsCurrency("USD"));
        Assert.False(ProfileRules.IsCurrency("eur") || ProfileRules.IsCurrency("XYZ") || ProfileRules.IsCurrency("EURO"));
        Assert.True(ProfileRules.IsCountry("IT") && ProfileRules.IsCountry("US"));
        Assert.False(ProfileRules.IsCountry("it") || ProfileRules.IsCountry("ZZ") || ProfileRules.IsCountry("UK"));
    }
}
