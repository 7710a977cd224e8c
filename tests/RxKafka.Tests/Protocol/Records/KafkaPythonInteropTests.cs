using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RxKafka.Protocol;
using RxKafka.Protocol.Records;
using Record = RxKafka.Protocol.Records.Record;
using Xunit;

namespace RxKafka.Tests.Protocol.Records;

/// <summary>
/// Byte-level interop with kafka-python 2.0.2 (Debian's python3-kafka under /usr/bin/python3):
/// what it builds for magic 0, 1 and 2 with every codec, we read field for field; what we build,
/// it reads back to the same records. Needs scripts/setup.sh (the tests are meant to run: a missing
/// interpreter, module or codec fails the test with the reason).
/// </summary>
public sealed class KafkaPythonInteropTests : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);

    private readonly string _dir = Directory.CreateTempSubdirectory("rxkafka-records-interop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task We_read_every_batch_kafka_python_builds()
    {
        using var manifest = JsonDocument.Parse(await RunScriptAsync("build", _dir));
        var inputs = manifest.RootElement.GetProperty("records").EnumerateArray().ToArray();
        var files = manifest.RootElement.GetProperty("files").EnumerateArray().ToArray();
        Assert.Equal(13, files.Length); // magic 0 and 1 x 4 codecs, magic 2 x 5

        foreach (var file in files)
        {
            var magic = file.GetProperty("magic").GetInt32();
            var codec = (CompressionType)file.GetProperty("codec").GetInt32();
            var context = $"magic {magic} {codec}";
            var bytes = await File.ReadAllBytesAsync(file.GetProperty("file").GetString()!, TestContext.Current.CancellationToken);
            Assert.Equal(file.GetProperty("hex").GetString(), Convert.ToHexString(bytes).ToLowerInvariant());
            var theirs = file.GetProperty("read").EnumerateArray().ToArray();

            using var reader = new RecordBatchReader(bytes);
            var ours = new List<(RecordBatch Batch, List<TestRecord> Records)>();
            while (reader.TryReadBatch(out var batch))
            {
                ours.Add((batch, batch.Select(r => TestRecord.From(r)).ToList()));
            }

            Assert.False(reader.HasPartialTrailingBatch, context);
            Assert.Equal(theirs.Length, ours.Count);
            for (var b = 0; b < ours.Count; b++)
            {
                var (batch, records) = ours[b];
                var their = theirs[b];
                Assert.True(their.GetProperty("crc_valid").GetBoolean(), context);
                Assert.Equal(magic, batch.Magic);
                Assert.Equal(codec, batch.Compression);
                Assert.Equal(their.GetProperty("compression").GetInt32(), (int)batch.Compression);
                Assert.Equal(their.GetProperty("crc").GetUInt32(), batch.Crc);
                if (magic == 2)
                {
                    Assert.Equal(their.GetProperty("base_offset").GetInt64(), batch.BaseOffset);
                    Assert.Equal(their.GetProperty("partition_leader_epoch").GetInt32(), batch.PartitionLeaderEpoch);
                    Assert.Equal(their.GetProperty("attributes").GetInt32(), batch.Attributes);
                    Assert.Equal(their.GetProperty("last_offset_delta").GetInt32(), batch.LastOffsetDelta);
                    Assert.Equal(their.GetProperty("first_timestamp").GetInt64(), batch.BaseTimestamp);
                    Assert.Equal(their.GetProperty("max_timestamp").GetInt64(), batch.MaxTimestamp);
                    Assert.Equal(their.GetProperty("record_count").GetInt32(), batch.RecordCount);
                    Assert.Equal(manifest.RootElement.GetProperty("producer_id").GetInt64(), batch.ProducerId);
                    Assert.Equal(manifest.RootElement.GetProperty("producer_epoch").GetInt16(), batch.ProducerEpoch);
                    Assert.Equal(manifest.RootElement.GetProperty("base_sequence").GetInt32(), batch.BaseSequence);
                    Assert.Equal(their.GetProperty("producer_id").GetInt64(), batch.ProducerId);
                    Assert.Equal(TimestampType.CreateTime, batch.TimestampType);
                }
                else
                {
                    Assert.Equal(their.GetProperty("attributes").GetInt32() & 0x0F, batch.Attributes);
                    var timestamp = their.GetProperty("timestamp");
                    Assert.Equal(timestamp.ValueKind == JsonValueKind.Null ? -1 : timestamp.GetInt64(), batch.MaxTimestamp);
                }

                var theirRecords = their.GetProperty("records").EnumerateArray().ToArray();
                Assert.Equal(theirRecords.Length, records.Count);
                Assert.Equal(theirRecords.Length, batch.RecordCount);
                for (var r = 0; r < records.Count; r++)
                {
                    var expected = FromJson(theirRecords[r]);
                    Assert.True(expected.Equivalent(records[r]), $"{context} record {r}: kafka-python read {expected}, we read {records[r]}");
                    var tt = theirRecords[r].GetProperty("timestamp_type");
                    Assert.Equal(tt.ValueKind == JsonValueKind.Null ? TimestampType.NotAvailable : (TimestampType)tt.GetInt32(), batch.TimestampType);
                }
            }

            // And against the inputs themselves, so a shared misreading cannot pass.
            var all = ours.SelectMany(o => o.Records).ToList();
            Assert.Equal(inputs.Length, all.Count);
            for (var i = 0; i < inputs.Length; i++)
            {
                var expected = Input(inputs[i], i, magic);
                Assert.True(expected.Equivalent(all[i]), $"{context} record {i}: input {expected}, we read {all[i]}");
            }
        }
    }

    [Fact]
    public async Task Kafka_python_reads_every_batch_we_build()
    {
        using var manifest = JsonDocument.Parse(await RunScriptAsync("build", _dir));
        var inputs = manifest.RootElement.GetProperty("records").EnumerateArray().Select((e, i) => Input(e, i, 2)).ToArray();
        var cases = new List<(byte Magic, CompressionType Codec)>();
        foreach (byte magic in new byte[] { 0, 1, 2 })
        {
            foreach (var codec in RecordBatchTestKit.AllCodecs)
            {
                if (codec != CompressionType.Zstd || magic == 2)
                {
                    cases.Add((magic, codec));
                }
            }
        }

        foreach (var (magic, codec) in cases)
        {
            var context = $"magic {magic} {codec}";
            byte[] bytes;
            if (magic == 2)
            {
                using var builder = new RecordBatchBuilder();
                builder.ProducerId = 42;
                builder.ProducerEpoch = 7;
                builder.BaseSequence = 1000;
                builder.BaseOffset = 0;
                foreach (var r in inputs)
                {
                    builder.Append(r.Timestamp, r.Key, r.Value, r.Headers.Select(h => new RecordHeader(h.Key, h.Value)).ToArray());
                }

                bytes = builder.Build(codec).ToArray();
            }
            else
            {
                using var builder = new LegacyMessageSetBuilder(magic);
                foreach (var r in inputs)
                {
                    builder.Append(r.Timestamp, r.Key, r.Value);
                }

                bytes = builder.Build(codec).ToArray();
            }

            var path = Path.Combine(_dir, $"ours_m{magic}_{codec}.bin");
            await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
            using var read = JsonDocument.Parse(await RunScriptAsync("read", path));
            var batches = read.RootElement.EnumerateArray().ToArray();
            Assert.Equal(codec == CompressionType.None && magic < 2 ? inputs.Length : 1, batches.Length);
            var records = new List<TestRecord>();
            foreach (var batch in batches)
            {
                Assert.True(batch.GetProperty("crc_valid").GetBoolean(), $"{context}: kafka-python says the CRC is wrong");
                Assert.Equal((int)codec, batch.GetProperty("compression").GetInt32());
                Assert.Equal(magic, batch.GetProperty("magic").GetInt32());
                if (magic == 2)
                {
                    Assert.Equal(42, batch.GetProperty("producer_id").GetInt64());
                    Assert.Equal(7, batch.GetProperty("producer_epoch").GetInt32());
                    Assert.Equal(1000, batch.GetProperty("base_sequence").GetInt32());
                    Assert.Equal(inputs.Length - 1, batch.GetProperty("last_offset_delta").GetInt32());
                    Assert.Equal(inputs.Length, batch.GetProperty("record_count").GetInt32());
                    Assert.Equal(inputs.Max(r => r.Timestamp), batch.GetProperty("max_timestamp").GetInt64());
                }

                records.AddRange(batch.GetProperty("records").EnumerateArray().Select(FromJson));
            }

            Assert.Equal(inputs.Length, records.Count);
            for (var i = 0; i < inputs.Length; i++)
            {
                var expected = magic == 2 ? inputs[i] : inputs[i] with { Headers = [], Timestamp = magic == 0 ? -1 : inputs[i].Timestamp };
                Assert.True(expected.Equivalent(records[i]), $"{context} record {i}: we wrote {expected}, kafka-python read {records[i]}");
            }
        }
    }

    private static TestRecord Input(JsonElement e, int index, int magic)
        => new(
            index,
            magic == 0 ? -1 : e.GetProperty("timestamp").GetInt64(),
            Hex(e.GetProperty("key")),
            Hex(e.GetProperty("value")),
            magic < 2 ? [] : Headers(e.GetProperty("headers")));

    private static TestRecord FromJson(JsonElement e)
    {
        var timestamp = e.GetProperty("timestamp");
        return new TestRecord(
            e.GetProperty("offset").GetInt64(),
            timestamp.ValueKind == JsonValueKind.Null ? -1 : timestamp.GetInt64(),
            Hex(e.GetProperty("key")),
            Hex(e.GetProperty("value")),
            Headers(e.GetProperty("headers")));
    }

    private static (string, byte[]?)[] Headers(JsonElement headers)
        => headers.EnumerateArray().Select(h => (h[0].GetString()!, Hex(h[1]))).ToArray();

    private static byte[]? Hex(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : Convert.FromHexString(e.GetString()!);

    private static async Task<string> RunScriptAsync(params string[] args)
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        var setup = ci ? "CI set-up (scripts/setup.sh) should have installed it" : "run scripts/setup.sh to install it";
        if (!File.Exists(Python))
        {
            Assert.Fail($"{Python} (Debian's own Python, which owns python3-kafka) is missing; {setup}.");
        }

        var script = Path.Combine(RepositoryRoot(), "tests", "RxKafka.Tests", "Protocol", "Records", "interop", "kafka_python_records.py");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"kafka_python_records.py {string.Join(' ', args)} did not finish within {ScriptTimeout.TotalSeconds} s");
        }

        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode == 2)
        {
            Assert.Fail($"kafka-python is not usable under {Python}: {errors.Trim()}; {setup} (python3-kafka python3-snappy python3-lz4 python3-zstandard python3-xxhash).");
        }

        Assert.True(process.ExitCode == 0, $"kafka_python_records.py {string.Join(' ', args)} exited with {process.ExitCode}: {errors}");
        return output;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RxKafka.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no RxKafka.sln above {AppContext.BaseDirectory}");
    }
}
