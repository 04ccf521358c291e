using Tavolo.Platform;

namespace Tavolo.Tests.Platform;

public sealed class TimeIdCursorTests
{
    [Fact]
    public void A_position_round_trips_to_the_tick()
    {
        var at = new DateTimeOffset(new DateTime(2026, 3, 1, 12, 30, 45, DateTimeKind.Utc).AddTicks(1234567));
        Assert.True(TimeIdCursor.TryDecode(TimeIdCursor.Encode(at, "01JX|odd"), out var time, out var id));
        Assert.Equal(at, time);
        Assert.Equal("01JX|odd", id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-bar")]
    [InlineData("|id")]
    [InlineData("2026-03-01T12:30:45.0000000Z|")]
    [InlineData("yesterday|id")]
    [InlineData("638762934450000000|id")]
    public void Text_that_is_not_a_time_and_an_id_is_refused(string position) =>
        Assert.False(TimeIdCursor.TryDecode(position, out _, out _));
}
