using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace RxKafka.Producer.Engine;

/// <summary>
/// The <c>RxKafka.Producer</c> meter: records sent, failed and retried, batch sizes, compression
/// ratio, Produce request latency and buffer memory in use. Counted per batch, never per record, so
/// the record path stays free of metric work. Tags: <c>client.id</c> (and <c>topic</c> on record counts).
/// </summary>
internal static class ProducerInstruments
{
    public const string MeterName = "RxKafka.Producer";

    public const string RecordsSentName = "rxkafka.producer.records.sent";

    public const string RecordsFailedName = "rxkafka.producer.records.failed";

    public static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> RecordsSent = Meter.CreateCounter<long>(RecordsSentName, "{record}", "Records the brokers acknowledged (or, with acks=0, written)");

    public static readonly Counter<long> RecordsFailed = Meter.CreateCounter<long>(RecordsFailedName, "{record}", "Records that could not be delivered");

    public static readonly Counter<long> RecordsRetried = Meter.CreateCounter<long>("rxkafka.producer.records.retried", "{record}", "Records sent again after a retriable error");

    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("rxkafka.producer.batch.size", "By", "Uncompressed size of each batch sent");

    public static readonly Histogram<double> CompressionRatio = Meter.CreateHistogram<double>("rxkafka.producer.compression.ratio", "1", "Compressed size over uncompressed size of each batch sent");

    public static readonly Histogram<double> RequestLatency = Meter.CreateHistogram<double>("rxkafka.producer.request.latency", "ms", "Time from sending a Produce request to its answer");

    private static readonly ConditionalWeakTable<BufferMemory, string> Buffers = new();

    static ProducerInstruments()
    {
        Meter.CreateObservableGauge(
            "rxkafka.producer.buffer.used",
            () => Buffers.Select(p => new Measurement<long>(p.Key.Used, new KeyValuePair<string, object?>("client.id", p.Value))),
            "By",
            "Bytes of records held in buffer memory");
    }

    public static void Register(BufferMemory memory, string clientId) => Buffers.AddOrUpdate(memory, clientId);

    public static void Unregister(BufferMemory memory) => Buffers.Remove(memory);
}
