using System.Diagnostics.Metrics;

namespace RxKafka.Producer;

/// <summary>
/// The <c>RxKafka.Producer</c> meter: records delivered and failed, tagged with the producer's
/// <c>client.id</c>. Counted once per batch (and once per record that fails before it reaches a
/// batch), so fire-and-forget sends stay free of per-record work; with no listener an add costs a
/// branch. OpenTelemetry and <c>dotnet-counters</c> read it by name.
/// </summary>
internal static class ProducerInstruments
{
    public const string MeterName = "RxKafka.Producer";

    public const string RecordsSentName = "rxkafka.producer.records.sent";

    public const string RecordsFailedName = "rxkafka.producer.records.failed";

    public static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> RecordsSent = Meter.CreateCounter<long>(RecordsSentName, "{record}", "Records the brokers acknowledged (with acks=0: written to the connection)");

    public static readonly Counter<long> RecordsFailed = Meter.CreateCounter<long>(RecordsFailedName, "{record}", "Records that could not be delivered: broker errors, delivery timeouts, serializer errors, records too large, closed producer");
}
