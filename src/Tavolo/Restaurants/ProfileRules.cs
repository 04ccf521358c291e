using Tavolo.Platform;

namespace Tavolo.Restaurants;

/// <summary>
/// What a restaurant's profile may say: an IANA time zone the system's tz database knows (<see cref="TimeZoneInfo"/>
/// reads <c>/usr/share/zoneinfo</c>, or <c>TZDIR</c>; docs/architecture.md), an ISO 4217 currency, an ISO 3166-1 country.
/// </summary>
public static class ProfileRules
{
    // ISO 4217 codes in circulation (2026), funds and precious metals left out: what a menu may be priced in.
    private static readonly HashSet<string> Currencies = new("""
        AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY
        COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS
        INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
        MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR
        SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV
        WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    // ISO 3166-1 alpha-2, the officially assigned codes.
    private static readonly HashSet<string> Countries = new("""
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC
        CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD
        GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH
        KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW
        MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC
        SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY
        UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    public static bool IsCurrency(string code) => Currencies.Contains(code);

    public static bool IsCountry(string code) => Countries.Contains(code);

    /// <summary>The zone for an IANA id (<c>Europe/Rome</c>, <c>UTC</c>), or null: Windows ids and unknown names are refused.</summary>
    public static TimeZoneInfo? Zone(string id)
    {
        if (id.Length is 0 or > 64 || id.Contains("..", StringComparison.Ordinal) || id.StartsWith('/'))
            return null;
        try
        {
            return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId ? zone : null;
        }
        catch (Exception e) when (e is InvalidTimeZoneException or System.Security.SecurityException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The calendar day at <paramref name="utc"/> in <paramref name="timeZone"/> (an id <see cref="Zone"/> accepted; else UTC).</summary>
    public static DateOnly LocalDate(DateTime utc, string timeZone) =>
        DateOnly.FromDateTime(Zone(timeZone) is { } zone ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone) : utc);

    public static void TimeZone(ValidationErrors errors, string? id)
    {
        if (errors.Text("timeZone", id, 1, 64, required: false) is { Length: > 0 and <= 64 } value && Zone(value) is null)
            errors.Add("timeZone", "Must be an IANA time zone, such as Europe/Rome or America/New_York.");
    }

    public static void Currency(ValidationErrors errors, string? code)
    {
        if (errors.Text("currency", code, 3, 3, required: false) is { Length: 3 } value && !IsCurrency(value))
            errors.Add("currency", "Must be an ISO 4217 currency code in upper case, such as EUR or USD.");
    }

    public static void Country(ValidationErrors errors, string? code)
    {
        if (errors.Text("country", code, 2, 2, required: false) is { Length: 2 } value && !IsCountry(value))
            errors.Add("country", "Must be an ISO 3166-1 alpha-2 country code in upper case, such as IT or US.");
    }
}
