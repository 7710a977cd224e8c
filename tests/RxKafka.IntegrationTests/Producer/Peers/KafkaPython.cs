using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RxKafka.IntegrationTests.Support;
using RxKafka.Protocol;

namespace RxKafka.IntegrationTests.Producer.Peers;

/// <summary>
/// kafka-python 2.0.2 (Debian's python3-kafka, which belongs to /usr/bin/python3, not to the python3
/// first on PATH) as a peer client, through Producer/Peers/kafka_python_peer.py copied to the output.
/// </summary>
internal static class KafkaPython
{
    public const string Python = "/usr/bin/python3";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static string Script => Path.Combine(AppContext.BaseDirectory, "Producer", "Peers", "kafka_python_peer.py");

    /// <summary>Every record of <paramref name="topic"/>, every partition from the beginning to its end offset, sorted by partition and offset.</summary>
    public static IReadOnlyList<PeerRecord> Consume(string bootstrap, string topic) =>
        Run("consume", bootstrap, topic).Select(Parse).ToList();

    /// <summary>KafkaConsumer.offsets_for_times for each timestamp on one partition: the offset and record timestamp found, or null.</summary>
    public static IReadOnlyList<(long Timestamp, long? Offset, long? RecordTimestamp)> OffsetsForTimes(string bootstrap, string topic, int partition, params long[] timestamps) =>
        Run(["offsets_for_times", bootstrap, topic, partition.ToString(System.Globalization.CultureInfo.InvariantCulture), .. timestamps.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))])
            .Select(line =>
            {
                var e = line.RootElement;
                long? Get(string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetInt64();
                return (e.GetProperty("timestamp").GetInt64(), Get("offset"), Get("record_timestamp"));
            })
            .ToList();

    /// <summary>
    /// Joins <paramref name="group"/> subscribed to <paramref name="topic"/>, reads <paramref name="count"/>
    /// records committing after each poll, and leaves: the partitions it was assigned and how many records it read.
    /// </summary>
    public static (int[] Assignment, int Records) ConsumeInGroup(string bootstrap, string topic, string group, int count)
    {
        var e = Run("group", bootstrap, topic, group, count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Single().RootElement;
        return ([.. e.GetProperty("assignment").EnumerateArray().Select(p => p.GetInt32())], e.GetProperty("records").GetInt32());
    }

    /// <summary>
    /// Produces <paramref name="records"/> (their partitions and timestamps as given) with
    /// <paramref name="codec"/>, one batch per partition; returns each record with the offset it
    /// was written at. kafka-python's producer refuses null header values (KafkaProducer.send asserts
    /// bytes), so <paramref name="records"/> must not have any. <paramref name="apiVersion"/> ("0.10.0",
    /// "0.9") pins the broker version kafka-python assumes, and so the message format: magic 1, magic 0.
    /// </summary>
    public static IReadOnlyList<PeerRecord> Produce(string bootstrap, string topic, CompressionType codec, IReadOnlyList<PeerRecord> records, string workDir, string? apiVersion = null)
    {
        var input = Path.Combine(workDir, $"kafka-python-{topic}.json");
        var json = records.Select(r => new Dictionary<string, object?>
        {
            ["partition"] = r.Partition,
            ["key"] = Hex(r.Key),
            ["value"] = Hex(r.Value),
            ["headers"] = r.Headers.Select(h => new object?[] { h.Key, Hex(h.Value) }).ToArray(),
            ["timestamp"] = r.Timestamp,
        });
        File.WriteAllText(input, JsonSerializer.Serialize(json));
        var written = Run(["produce", bootstrap, topic, Kcat.CodecName(codec), input, .. apiVersion is null ? Array.Empty<string>() : [apiVersion]]).ToList();
        Assert.Equal(records.Count, written.Count);
        return records.Select((r, i) =>
        {
            var at = written[i].RootElement;
            return r with { Partition = at.GetProperty("partition").GetInt32(), Offset = at.GetProperty("offset").GetInt64() };
        }).ToList();
    }

    private static PeerRecord Parse(JsonDocument line)
    {
        var e = line.RootElement;
        return new PeerRecord(
            e.GetProperty("partition").GetInt32(),
            e.GetProperty("offset").GetInt64(),
            Bytes(e.GetProperty("key")),
            Bytes(e.GetProperty("value")),
            e.GetProperty("headers").EnumerateArray().Select(h => new PeerHeader(h[0].GetString()!, Bytes(h[1]))).ToList(),
            // Magic 0 messages have no timestamp: kafka-python says None, Kafka's consumers -1.
            e.GetProperty("timestamp").ValueKind == JsonValueKind.Null ? -1 : e.GetProperty("timestamp").GetInt64());
    }

    private static string? Hex(byte[]? bytes) => bytes is null ? null : Convert.ToHexString(bytes).ToLowerInvariant();

    private static byte[]? Bytes(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : Convert.FromHexString(e.GetString()!);

    private static IEnumerable<JsonDocument> Run(params string[] args)
    {
        Prerequisites.RequireKafkaPython();
        var start = new ProcessStartInfo(Python) { StandardOutputEncoding = Encoding.UTF8 };
        start.ArgumentList.Add(Script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = ChildProcess.Start(start);
        var exit = process.WaitForExit(Deadline);
        var what = $"kafka_python_peer.py {string.Join(' ', args)}";
        Assert.False(exit.TimedOut, $"{what} did not finish within {Deadline.TotalSeconds:0} s:\n{exit.StandardError}");
        if (exit.ExitCode == 2)
        {
            Prerequisites.Missing($"kafka-python is not usable under {Python}: {exit.StandardError.Trim()}; run scripts/setup.sh (python3-kafka python3-snappy python3-lz4 python3-zstandard)");
        }

        Assert.True(exit.ExitCode == 0, $"{what} exited with {exit.ExitCode}:\n{exit.StandardError}");
        return exit.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => JsonDocument.Parse(l)).ToList();
    }
}
