using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RxKafka.IntegrationTests.Support;
using RxKafka.Protocol;

namespace RxKafka.IntegrationTests.Producer.Peers;

/// <summary>
/// kcat (Debian's, on Debian's librdkafka 2.0.2 whatever mock build it talks to) as a peer client:
/// reading a whole topic as JSON, and producing lines of <c>key:value</c> with headers and a codec.
/// </summary>
internal static class Kcat
{
    public const string Path = "/usr/bin/kcat";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Every record of <paramref name="topic"/> from the beginning to the end of each partition
    /// (<c>kcat -C -o beginning -e -J</c>), sorted by partition and offset; <paramref name="config"/> adds
    /// librdkafka properties (<c>-X name=value</c>), e.g. <c>isolation.level=read_committed</c>.
    /// </summary>
    public static IReadOnlyList<PeerRecord> Consume(string bootstrap, string topic, params string[] config)
    {
        string[] args = ["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-J", "-q", .. config.SelectMany(c => new[] { "-X", c })];
        var exit = Run(args);
        var records = new List<PeerRecord>();
        foreach (var line in exit.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var json = JsonDocument.Parse(line);
            var e = json.RootElement;
            var headers = new List<PeerHeader>();
            if (e.TryGetProperty("headers", out var h))
            {
                var flat = h.EnumerateArray().ToArray();
                for (var i = 0; i + 1 < flat.Length; i += 2)
                {
                    headers.Add(new PeerHeader(flat[i].GetString()!, Text(flat[i + 1])));
                }
            }

            records.Add(new PeerRecord(
                e.GetProperty("partition").GetInt32(),
                e.GetProperty("offset").GetInt64(),
                Text(e.GetProperty("key")),
                Text(e.GetProperty("payload")),
                headers,
                e.GetProperty("ts").GetInt64()));
        }

        return records.OrderBy(r => r.Partition).ThenBy(r => r.Offset).ToList();
    }

    /// <summary>
    /// Writes the shared kcat sample (<see cref="PeerInputs.KcatLines"/> with <see cref="PeerInputs.KcatHeaders"/>)
    /// to partition 1 of <paramref name="topic"/> and returns what kcat reads back: kcat stamps the records itself,
    /// so its own reading is the reference for the others.
    /// </summary>
    public static IReadOnlyList<PeerRecord> ProduceSample(string bootstrap, string topic, CompressionType codec, string workDir)
    {
        Produce(bootstrap, topic, 1, codec, PeerInputs.KcatLines, PeerInputs.KcatHeaders, workDir);
        var read = Consume(bootstrap, topic);
        Assert.Equal(PeerInputs.KcatLines.Length, read.Count);
        return read;
    }

    /// <summary>
    /// Produces <paramref name="lines"/> (<c>key:value</c>; with <c>-Z</c> an empty key or value is
    /// sent as null) to <paramref name="topic"/> with <paramref name="codec"/>; every record gets
    /// <paramref name="headers"/> (<c>-H name=value</c>, or <c>-H name</c> for a null value). All go to
    /// <paramref name="partition"/>, in one batch (librdkafka sends a batch uncompressed when
    /// compression would not shrink it, so the batch should hold something compressible).
    /// </summary>
    public static void Produce(string bootstrap, string topic, int partition, CompressionType codec, IEnumerable<string> lines, IEnumerable<PeerHeader> headers, string workDir)
    {
        var input = System.IO.Path.Combine(workDir, $"kcat-{topic}.txt");
        File.WriteAllText(input, string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        var args = new List<string>
        {
            "-P", "-b", bootstrap, "-t", topic, "-p", partition.ToString(CultureInfo.InvariantCulture), "-z", CodecName(codec), "-K:", "-Z", "-l",
            "-X", "enable.idempotence=true", "-X", "linger.ms=1000",
        };
        foreach (var header in headers)
        {
            args.Add("-H");
            args.Add(header.Value is null ? header.Key : $"{header.Key}={Encoding.UTF8.GetString(header.Value)}");
        }

        args.Add(input);
        Run([.. args]);
    }

    public static string CodecName(CompressionType codec) => codec switch
    {
        CompressionType.None => "none",
        CompressionType.Gzip => "gzip",
        CompressionType.Snappy => "snappy",
        CompressionType.Lz4 => "lz4",
        CompressionType.Zstd => "zstd",
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, null),
    };

    private static byte[]? Text(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : Encoding.UTF8.GetBytes(e.GetString()!);

    private static ChildProcessExit Run(params string[] args)
    {
        Prerequisites.RequireKcat();
        var start = new ProcessStartInfo(Path) { StandardOutputEncoding = Encoding.UTF8 };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = ChildProcess.Start(start);
        var exit = process.WaitForExit(Deadline);
        Assert.False(exit.TimedOut, $"kcat {string.Join(' ', args)} did not finish within {Deadline.TotalSeconds:0} s:\n{exit.StandardError}");
        Assert.True(exit.ExitCode == 0, $"kcat {string.Join(' ', args)} exited with {exit.ExitCode}:\n{exit.StandardError}");
        return exit;
    }
}
