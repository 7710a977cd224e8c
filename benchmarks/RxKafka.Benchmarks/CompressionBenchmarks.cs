using System.Buffers;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using RxKafka.Benchmarks.OldCodecs;
using RxKafka.Protocol;
using RxKafka.Protocol.Compression;

namespace RxKafka.Benchmarks;

/// <summary>
/// Each codec compressing and decompressing a ~1 MB record-batch-like payload (JSON records with
/// repeated keys and varying numbers), the managed codecs ("new") beside the native-backed lz4 and
/// zstd and the hand-written snappy they replaced ("old", <see cref="OldCodecs"/>; the old ones need
/// liblz4 and libzstd installed). gzip did not change and runs once. The MB/s column is uncompressed
/// bytes per second both ways.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class CompressionBenchmarks
{
    private byte[] _payload = [];
    private byte[] _compressed = [];
    private ArrayBufferWriter<byte> _output = new();

    /// <summary>Which codec, and whose code runs it.</summary>
    public enum Implementation
    {
        Old,
        New,
    }

    /// <summary>One codec and implementation; its name is the Case column.</summary>
    public readonly record struct CodecCase(CompressionType Codec, Implementation Implementation)
    {
        public override string ToString() => $"{Codec.ToString().ToLowerInvariant()} {Implementation.ToString().ToLowerInvariant()}";
    }

    public static IEnumerable<CodecCase> Cases() =>
    [
        new(CompressionType.Gzip, Implementation.New),
        new(CompressionType.Snappy, Implementation.Old),
        new(CompressionType.Snappy, Implementation.New),
        new(CompressionType.Lz4, Implementation.Old),
        new(CompressionType.Lz4, Implementation.New),
        new(CompressionType.Zstd, Implementation.Old),
        new(CompressionType.Zstd, Implementation.New),
    ];

    [ParamsSource(nameof(Cases))]
    public CodecCase Case { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = Payload;
        _output = new ArrayBufferWriter<byte>(2 * _payload.Length);
        Compress(Case, _payload, _output);
        _compressed = _output.WrittenSpan.ToArray();
        _output.ResetWrittenCount();
        Console.WriteLine($"// {Case}: {_payload.Length} -> {_compressed.Length} bytes (ratio {(double)_payload.Length / _compressed.Length:F2})");
    }

    [Benchmark]
    public int Compress()
    {
        _output.ResetWrittenCount();
        Compress(Case, _payload, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int Decompress()
    {
        _output.ResetWrittenCount();
        Decompress(Case, _compressed, _output);
        return _output.WrittenCount;
    }

    private static void Compress(CodecCase c, ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        switch (c)
        {
            case { Implementation: Implementation.New }:
                KafkaCompression.Compress(c.Codec, source, destination);
                break;
            case { Codec: CompressionType.Snappy }:
                OldSnappyCodec.Compress(source, destination);
                break;
            case { Codec: CompressionType.Lz4 }:
                OldLz4Codec.Compress(source, destination, level: null);
                break;
            case { Codec: CompressionType.Zstd }:
                OldZstdCodec.Compress(source, destination, level: null);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(c), c, "no old implementation");
        }
    }

    private static void Decompress(CodecCase c, ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        switch (c)
        {
            case { Implementation: Implementation.New }:
                KafkaCompression.Decompress(c.Codec, source, destination, int.MaxValue);
                break;
            case { Codec: CompressionType.Snappy }:
                OldSnappyCodec.Decompress(source, destination, int.MaxValue);
                break;
            case { Codec: CompressionType.Lz4 }:
                OldLz4Codec.Decompress(source, destination, int.MaxValue, legacyHeaderChecksum: false);
                break;
            case { Codec: CompressionType.Zstd }:
                OldZstdCodec.Decompress(source, destination, int.MaxValue);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(c), c, "no old implementation");
        }
    }

    /// <summary>The payload every case uses, built once with a fixed seed.</summary>
    public static readonly byte[] Payload = BuildPayload(1_000_000);

    private static byte[] BuildPayload(int approximateLength)
    {
        var random = new Random(42);
        var builder = new StringBuilder(approximateLength + 256);
        string[] statuses = ["created", "paid", "shipped", "delivered", "cancelled"];
        string[] currencies = ["EUR", "USD", "GBP", "JPY"];
        for (int i = 0; builder.Length < approximateLength; i++)
        {
            builder.Append("{\"orderId\":").Append(1_000_000 + i)
                .Append(",\"customerId\":\"c-").Append(random.Next(100_000).ToString("D6", CultureInfo.InvariantCulture))
                .Append("\",\"amount\":").Append((random.Next(1, 1_000_000) / 100.0).ToString(CultureInfo.InvariantCulture))
                .Append(",\"currency\":\"").Append(currencies[random.Next(currencies.Length)])
                .Append("\",\"items\":").Append(random.Next(1, 12))
                .Append(",\"status\":\"").Append(statuses[random.Next(statuses.Length)])
                .Append("\",\"createdAt\":").Append(1_700_000_000_000L + (i * 173L) + random.Next(100))
                .Append(",\"region\":\"eu-west-").Append(random.Next(1, 4)).Append("\"}\n");
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddColumn(new ThroughputColumn());
    }

    /// <summary>Uncompressed megabytes (10^6 bytes) per second, from the mean time of one call.</summary>
    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "ThroughputMBps";

        public string ColumnName => "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Uncompressed megabytes (10^6 bytes) processed per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return meanNanoseconds is > 0
                ? (Payload.Length / (meanNanoseconds.Value / 1e9) / 1e6).ToString("F0", CultureInfo.InvariantCulture)
                : "NA";
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
