using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace RxKafka.Consumer.Engine;

/// <summary>
/// The consumer's meter (<c>RxKafka.Consumer</c>): lag per partition as a gauge, read from every live engine
/// when a listener collects, and the records and bytes fetched.
/// </summary>
internal static class ConsumerInstruments
{
    public const string MeterName = "RxKafka.Consumer";

    public static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> BytesFetched = Meter.CreateCounter<long>("rxkafka.consumer.fetch.bytes", "By", "Bytes of records fetched");

    private static readonly ConcurrentDictionary<FetchEngine, byte> Engines = new();

    static ConsumerInstruments() =>
        Meter.CreateObservableGauge("rxkafka.consumer.lag", Lags, "{offset}", "Offsets between each assigned partition's position and its end (high watermark, or last stable offset under read_committed)");

    public static void Track(FetchEngine engine) => Engines[engine] = 0;

    public static void Forget(FetchEngine engine) => Engines.TryRemove(engine, out _);

    private static IEnumerable<Measurement<long>> Lags()
    {
        foreach (var engine in Engines.Keys)
        {
            var client = new KeyValuePair<string, object?>("client.id", engine.Client.Options.ClientId);
            foreach (var lag in engine.Lags())
            {
                yield return new Measurement<long>(lag.Lag, client, new("topic", lag.TopicPartition.Topic), new("partition", lag.TopicPartition.Partition));
            }
        }
    }
}
