namespace RxKafka.Tests.Producer.Partitioning;

/// <summary>
/// The key -> partition table in <c>Murmur2Table.csv</c> (embedded in the test assembly): for each key, the
/// Java algorithm's murmur2 hash and the partition it picks among 1, 2, 3, 6, 10, 12, 50 and 100 partitions.
/// The file's comment lines say how it was made.
/// </summary>
internal static class Murmur2Table
{
    private static readonly Lazy<IReadOnlyList<Row>> Table = new(Read);

    public static IReadOnlyList<Row> Rows => Table.Value;

    /// <summary>One key of the table.</summary>
    /// <param name="Label">What the key is: <c>text:</c> and the string whose UTF-8 bytes it is, <c>binary:</c> and a name, or <c>empty</c>.</param>
    /// <param name="Key">The key bytes.</param>
    /// <param name="Hash">The Java client's <c>Utils.murmur2</c> of the key.</param>
    /// <param name="Partitions">The partition for each partition count, in the table's column order.</param>
    public sealed record Row(string Label, byte[] Key, int Hash, IReadOnlyList<(int Count, int Partition)> Partitions)
    {
        public override string ToString() => Label;
    }

    private static IReadOnlyList<Row> Read()
    {
        using var stream = typeof(Murmur2Table).Assembly.GetManifestResourceStream("Murmur2Table.csv")
            ?? throw new InvalidOperationException("Murmur2Table.csv is not embedded in the test assembly; see RxKafka.Tests.csproj.");
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .ToArray();

        // label,key_hex,murmur2,p1,p2,...: the partition counts are in the header.
        var counts = lines[0].Split(',').Skip(3).Select(column => int.Parse(column.AsSpan(1))).ToArray();
        return lines.Skip(1).Select(line =>
        {
            var cells = line.Split(',');
            Assert.True(cells.Length == counts.Length + 3, $"a table row has {cells.Length} cells: {line}");
            var text = cells[0].StartsWith("text:", StringComparison.Ordinal) ? cells[0]["text:".Length..] : null;
            var key = Convert.FromHexString(cells[1]);
            if (text is not null)
            {
                Assert.Equal(text, System.Text.Encoding.UTF8.GetString(key));
            }

            var partitions = counts.Select((count, i) => (count, int.Parse(cells[3 + i]))).ToArray();
            return new Row(cells[0], key, int.Parse(cells[2]), partitions);
        }).ToArray();
    }
}
