using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Tavolo.Tests;

/// <summary>Reads JWTs without the app's code, so that the tests check the wire format, not themselves.</summary>
public static class Jwt
{
    public static (JsonObject Header, JsonObject Payload) Decode(string token)
    {
        var parts = token.Split('.');
        return (Part(parts[0]), Part(parts[1]));
        static JsonObject Part(string part) => JsonNode.Parse(Base64Url.DecodeFromChars(part))!.AsObject();
    }

    public static bool VerifyEs256(string token, string x, string y)
    {
        var parts = token.Split('.');
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(x), Y = Base64Url.DecodeFromChars(y) },
        });
        return ecdsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256);
    }

    public static string Encode(JsonObject header, JsonObject payload, Func<byte[], byte[]> sign)
    {
        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "."
            + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = sign(Encoding.ASCII.GetBytes(signingInput));
        return Tavolo.Auth.EcdsaSignatures.Canonicalize(signingInput + "." + Base64Url.EncodeToString(signature)); // Tavolo accepts low-S only
    }
}

/// <summary>Direct reads of the app's SQLite file, for checking what is (not) stored.</summary>
public static class Database
{
    public static async Task<string?> ScalarAsync(TavoloApp app, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, "tavolo.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
