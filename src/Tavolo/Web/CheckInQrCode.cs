using System.Globalization;
using System.Text;
using QRCoder;

namespace Tavolo.Web;

/// <summary>
/// The QR code a restaurant prints for its door: the check-in page's URL as an SVG drawn from QRCoder's module
/// matrix (one path of dark runs, a quiet zone of four modules), so it scales to any print size and needs no image
/// library.
/// </summary>
public static class CheckInQrCode
{
    public static string Svg(string url)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix; // includes the quiet zone
        var size = matrix.Count;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
        {
            var row = matrix[y];
            for (var x = 0; x < size; x++)
            {
                if (!row[x])
                    continue;
                var start = x;
                while (x + 1 < size && row[x + 1])
                    x++;
                path.Append(CultureInfo.InvariantCulture, $"M{start} {y}h{x - start + 1}v1h-{x - start + 1}z");
            }
        }
        return $"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges" role="img"><title>Check-in QR code</title><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>""";
    }
}
