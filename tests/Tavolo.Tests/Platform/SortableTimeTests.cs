using Tavolo.Platform;

namespace Tavolo.Tests.Platform;

public sealed class SortableTimeTests
{
    [Fact]
    public void A_time_is_stored_as_fixed_width_utc_text_whose_order_is_time_order()
    {
        var start = new DateTime(2026, 12, 7, 1, 2, 3, DateTimeKind.Utc).AddTicks(4567);
        var times = new[]
        {
            start, start.AddTicks(1), start.AddSeconds(9), start.AddDays(400), new DateTime(2028, 2, 29, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999),
            new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc), DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
        };
        var texts = times.Select(SortableTime.Format).ToList();
        Assert.Equal("2026-12-07T01:02:03.0004567Z", texts[0]);
        Assert.All(texts, text => Assert.Equal(28, text.Length));
        Assert.Equal(times.OrderBy(t => t).Select(SortableTime.Format), texts.OrderBy(t => t, StringComparer.Ordinal));
        foreach (var time in times)
        {
            Assert.True(SortableTime.TryParseStored(SortableTime.Format(time), out _)); // the stored shape never needs the general parser
            var back = SortableTime.Parse(SortableTime.Format(time));
            Assert.Equal(time, back);
            Assert.Equal(DateTimeKind.Utc, back.Kind);
        }
    }

    [Fact]
    public void A_local_or_unspecified_time_is_stored_as_the_same_instant_in_utc()
    {
        var utc = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal(SortableTime.Format(utc), SortableTime.Format(utc.ToLocalTime()));
        Assert.EndsWith("Z", SortableTime.Format(DateTime.SpecifyKind(utc, DateTimeKind.Unspecified)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-07T01:02:03Z")]
    [InlineData("2026-12-07T01:02:03.0000000+00:00")]
    [InlineData("2026-12-07T02:02:03.0000000+01:00")]
    [InlineData("2026-12-07 01:02:03")]
    public void Text_in_another_iso_8601_shape_is_read_as_the_same_utc_instant(string text)
    {
        Assert.False(SortableTime.TryParseStored(text, out _));
        var time = SortableTime.Parse(text);
        Assert.Equal(new DateTime(2026, 12, 7, 1, 2, 3, DateTimeKind.Utc), time);
        Assert.Equal(DateTimeKind.Utc, time.Kind);
    }

    [Fact]
    public void Text_that_is_no_time_is_refused()
    {
        Assert.Throws<FormatException>(() => SortableTime.Parse("2026-13-07T01:02:03.0000000Z"));
        Assert.Throws<FormatException>(() => SortableTime.Parse("not a time at all, 28 charsZ"));
        Assert.Throws<FormatException>(() => SortableTime.Parse("2026-02-30T01:02:03.0000000Z")); // no such day
        Assert.Throws<FormatException>(() => SortableTime.Parse("2026-12-07T24:02:03.0000000Z"));
        Assert.Throws<FormatException>(() => SortableTime.Parse("0000-12-07T01:02:03.0000000Z"));
        Assert.Throws<FormatException>(() => SortableTime.Parse("2026-12-07T01:02:0x.0000000Z"));
    }
}
