using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tavolo.Orders;

namespace Tavolo.Tests.Orders;

/// <summary>The stored form of an order's lines: its own reader reads exactly what the general deserializer reads.</summary>
public sealed class StoredOrderLinesTests
{
    /// <summary>The general deserializer with the options the lines are written with (the web defaults).</summary>
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>What the reader must agree with: the general deserializer, then the pre-menu line totals.</summary>
    private static List<OrderItem> General(string json) =>
        OrderPricing.FromStorage(JsonSerializer.Deserialize<List<OrderItem>>(json, Web)!);

    [Fact]
    public void Lines_read_back_as_they_were_written()
    {
        List<OrderItem> lines =
        [
            new("m1", "Margherita", 12.50m, 2, 25.00m),
            new("m2", "Café \"crème\" / ☕ \u2028 <b>", 0.01m, 100, 1.00m, "no sugar, \\ please\n"),
            new(null, "Before menus", 9999.99m, 1, 9999.99m),
        ];
        var json = StoredOrderLines.Write(lines);
        Assert.Equal(lines, StoredOrderLines.Read(json));
        Assert.Equal(General(json), StoredOrderLines.Read(json));
        Assert.Empty(StoredOrderLines.Read(StoredOrderLines.Write([])));
    }

    [Theory]
    [InlineData("""[{"menuItemId":"m1","name":"Pizza","unitPrice":12.5,"quantity":2,"lineTotal":25}]""")]
    [InlineData("""[{"name":"Pizza","unitPrice":0.33,"quantity":3}]""")] // a line from before menus: no menuItemId, no lineTotal
    [InlineData("""[ { "quantity" : 3, "name" : "Pizza", "unitPrice" : 0.69, "note" : null, "menuItemId" : null } ]""")]
    [InlineData("""[{"menuItemId":"m1","name":"\u0050izza","unitPrice":1e1,"quantity":1,"lineTotal":10.000}]""")]
    [InlineData("""[{"name":"A","unitPrice":1,"quantity":1},{"name":"B","unitPrice":2,"quantity":2,"note":"x"}]""")]
    [InlineData("""[{"name":"Pizza","unitPrice":"12.50","quantity":"2"}]""")] // numbers as strings: the general reader's
    [InlineData("""[{"name":"Pizza","unitPrice":12.5,"quantity":2,"extra":{"a":[1]}}]""")] // an unknown property: the general reader's
    [InlineData("""[{"NAME":"Pizza","UnitPrice":12.5,"Quantity":2}]""")] // other casing: the general reader's
    [InlineData("""[]""")]
    public void Any_stored_shape_reads_as_the_general_deserializer_reads_it(string json) =>
        Assert.Equal(General(json), StoredOrderLines.Read(json));

    [Theory]
    [InlineData("""[{"menuItemId":"m1","name":"Pizza","unitPrice":12.5,"quantity":2,"lineTotal":25,"note":"x"}]""", true)]
    [InlineData("""[{"name":"Pizza","unitPrice":0.33,"quantity":3}]""", true)]
    [InlineData("""[]""", true)]
    [InlineData("""[{"name":"Pizza","unitPrice":"12.50","quantity":"2"}]""", false)]
    [InlineData("""[{"name":"Pizza","unitPrice":12.5,"quantity":2,"extra":1}]""", false)]
    [InlineData("""[{"NAME":"Pizza","unitPrice":12.5,"quantity":2}]""", false)]
    [InlineData("""null""", false)]
    public void What_the_adapters_write_is_read_without_the_general_deserializer_and_nothing_else_is(string json, bool ownReader)
    {
        // The point of the reader: every order read skips the general deserializer (docs/performance.md, 2026-12-07).
        Assert.Equal(ownReader, StoredOrderLines.TryReadStoredShape(System.Text.Encoding.UTF8.GetBytes(json)) is not null);
        var written = StoredOrderLines.Write([new("m1", "Café \"x\"", 1.5m, 2, 3.0m, "n"), new(null, "B", 2m, 1, 2m)]);
        Assert.NotNull(StoredOrderLines.TryReadStoredShape(System.Text.Encoding.UTF8.GetBytes(written)));
    }

    [Fact]
    public void Long_lines_are_read_as_well_as_short_ones()
    {
        var lines = Enumerable.Range(0, 200).Select(i => new OrderItem($"m{i}", new string('x', i), i + 0.25m, i + 1, (i + 0.25m) * (i + 1), i % 2 == 0 ? "note" : null)).ToList();
        var json = StoredOrderLines.Write(lines);
        Assert.True(json.Length > 4096);
        Assert.Equal(lines, StoredOrderLines.Read(json));
    }

    [Theory]
    [InlineData("""[{"name":"Pizza","unitPrice":12.5,"quantity":2}""")]
    [InlineData("""[{"name":"Pizza","unitPrice":12.5,"quantity":2}] x""")]
    [InlineData("""{"name":"Pizza"}""")]
    [InlineData("""[1]""")]
    [InlineData("""[{"name":"Pizza","unitPrice":12.5,"quantity":2.5}]""")]
    public void Text_that_is_no_list_of_lines_is_refused_as_the_general_deserializer_refuses_it(string json)
    {
        Assert.ThrowsAny<JsonException>(() => General(json));
        Assert.ThrowsAny<JsonException>(() => StoredOrderLines.Read(json));
    }
}
