using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;

namespace Tavolo.Platform;

/// <summary>
/// Responses written by the source generator's own writers (System.Text.Json's fast path: one pass over the object,
/// no metadata walk) — 9.5 % of a <c>GET /orders/{id}</c> went to the metadata walk (docs/performance.md). The fast path
/// is taken only when every type in a response's graph comes from a context whose options match the server's, so:
/// Tavolo's contexts answer first (OpenAPI's and ProblemDetails' contexts, which ASP.NET Core puts at the head of the
/// chain, answered for <c>string</c> and <c>int?</c> with options of their own), and the encoder is the default one —
/// ASP.NET Core's relaxed escaper is the one option a generated writer cannot honour. The JSON means the same; only
/// non-ASCII text and <c>&lt;&gt;&amp;'+</c> are written as <c>\uXXXX</c> escapes, which is also the safer form to embed.
/// </summary>
internal static class ResponseJson
{
    public static void UseGeneratedWriters(JsonOptions options)
    {
        var json = options.SerializerOptions;
        json.Encoder = null;
        var chain = json.TypeInfoResolverChain;
        var ours = chain.OfType<JsonSerializerContext>().Where(c => c.GetType().Assembly == typeof(ResponseJson).Assembly).ToList();
        foreach (var context in ours)
            chain.Remove(context);
        for (var i = 0; i < ours.Count; i++)
            chain.Insert(i, ours[i]);
    }
}
