using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tavolo.Orders;

/// <summary>
/// An order's lines as both adapters store them: one JSON array of
/// <c>{menuItemId?, name, unitPrice, quantity, lineTotal, note?}</c>. Written by the source-generated serializer; read
/// by a reader of exactly that shape, because every order read pays for it (the general deserializer, through the
/// constructor of a six-parameter record, was 4.6 % of a <c>GET /orders/{id}</c>'s CPU under Native AOT:
/// docs/performance.md). Any other shape (an unknown property, a number written as a string) goes to the general
/// deserializer, so both read the same. Lines from before menus get their <c>lineTotal</c> (<see cref="OrderPricing.FromStorage"/>).
/// </summary>
public static class StoredOrderLines
{
    private const int StackLimit = 1024;

    public static string Write(IReadOnlyList<OrderItem> items) =>
        JsonSerializer.Serialize(items as List<OrderItem> ?? [.. items], OrdersJson.Default.ListOrderItem);

    public static List<OrderItem> Read(string json)
    {
        var max = Encoding.UTF8.GetMaxByteCount(json.Length);
        var rented = max > StackLimit ? ArrayPool<byte>.Shared.Rent(max) : null;
        try
        {
            Span<byte> buffer = rented is null ? stackalloc byte[StackLimit] : rented;
            var utf8 = buffer[..Encoding.UTF8.GetBytes(json, buffer)];
            return OrderPricing.FromStorage(TryReadStoredShape(utf8) ?? JsonSerializer.Deserialize(utf8, OrdersJson.Default.ListOrderItem)!);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The lines, or null when the text is valid JSON of another shape than the stored one (throws on invalid JSON).</summary>
    internal static List<OrderItem>? TryReadStoredShape(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            return null;
        var items = new List<OrderItem>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? menuItemId = null, name = null, note = null;
            decimal unitPrice = 0, lineTotal = 0;
            var quantity = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.ValueTextEquals("menuItemId"u8) ? 0 : reader.ValueTextEquals("name"u8) ? 1
                    : reader.ValueTextEquals("unitPrice"u8) ? 2 : reader.ValueTextEquals("quantity"u8) ? 3
                    : reader.ValueTextEquals("lineTotal"u8) ? 4 : reader.ValueTextEquals("note"u8) ? 5 : -1;
                if (property < 0 || !reader.Read())
                    return null;
                var read = property switch
                {
                    0 => TryString(ref reader, out menuItemId),
                    1 => TryString(ref reader, out name),
                    2 => reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out unitPrice),
                    3 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out quantity),
                    4 => reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out lineTotal),
                    _ => TryString(ref reader, out note),
                };
                if (!read)
                    return null;
            }
            if (reader.TokenType != JsonTokenType.EndObject)
                return null;
            items.Add(new OrderItem(menuItemId, name!, unitPrice, quantity, lineTotal, note));
        }
        return reader.TokenType == JsonTokenType.EndArray && !reader.Read() ? items : null;
    }

    private static bool TryString(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }
}
