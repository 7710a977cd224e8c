using BenchmarkDotNet.Attributes;
using RxKafka.Consumer;
using RxKafka.Consumer.Engine;
using RxKafka.Protocol;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;

namespace RxKafka.Benchmarks;

/// <summary>
/// The consumer's per-record work on one fetched chunk, the way the faces run it, without the network: a
/// ~1 MiB records field of 100-byte values (no key, no headers; batches of 1,000 records, as the side-by-side
/// benchmark's), read by the <see cref="ChunkReader"/> alone, by the raw face (<see cref="RawRecordBatch"/>'s
/// struct enumerator over a <see cref="RawChunkView"/>), and by the record faces' materialization
/// (<c>KafkaConsumer.Materialize</c> with <see cref="Deserializers.ByteArray"/>, a <see cref="ConsumeResult{TKey, TValue}"/>
/// and a value copy per record). Per-record figures: the operation is one record. Targets: the raw face and the
/// reader 0 B allocated per record.
/// </summary>
[MemoryDiagnoser]
public class ConsumerDecodeBenchmarks
{
    private const int RecordsPerBatch = 1000;
    private const int Batches = 9;
    private const int Records = RecordsPerBatch * Batches;

    private readonly Headers _scratch = new();
    private readonly PartitionState _state = new(new TopicPartition("consume-bench", 0));
    private FetchedChunk _chunk = null!;
    private ChunkReader _reader = null!;
    private RawChunkView _view = null!;

    [Params(CompressionType.None, CompressionType.Lz4)]
    public CompressionType Compression { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var value = new byte[100];
        new Random(1).NextBytes(value);
        using var builder = new RecordBatchBuilder();
        var records = new List<byte>();
        for (var b = 0; b < Batches; b++)
        {
            builder.Reset();
            builder.BaseOffset = b * RecordsPerBatch;
            for (var i = 0; i < RecordsPerBatch; i++)
            {
                builder.Append(1_700_000_000_000L + i, null, value);
            }

            records.AddRange(builder.Build(Compression).ToArray());
        }

        _chunk = new FetchedChunk { State = _state, Version = 0, FetchOffset = 0, NextOffset = Records, Records = records.ToArray() };
        var options = new ConsumerOptions { Client = new() { BootstrapServers = BootstrapServers.Parse("localhost:9092") } };
        _reader = new ChunkReader(options);
        _view = new RawChunkView(options);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reader.Dispose();
        _view.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public long ChunkReaderOnly()
    {
        long sum = 0;
        _reader.Start(_chunk);
        while (_reader.TryRead())
        {
            sum += _reader.Current.Value.Length;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public long RawFace()
    {
        long sum = 0;
        _view.Start(_chunk);
        foreach (var record in new RawRecordBatch(_view))
        {
            sum += record.Value.Length + record.Offset;
        }

        _view.Finish();
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public long RecordFaces()
    {
        long sum = 0;
        _reader.Start(_chunk);
        while (_reader.TryRead())
        {
            var record = _reader.Current;
            var result = KafkaConsumer<byte[]?, byte[]?>.Materialize(_chunk, record, _reader.LeaderEpoch, _scratch, Deserializers.ByteArray, Deserializers.ByteArray);
            sum += result.Value!.Length;
        }

        return sum;
    }
}
