using System.Runtime.CompilerServices;
using System.Diagnostics.Metrics;

namespace RxKafka.Client;

/// <summary>
/// The <c>RxKafka.Client</c> meter (S6): metadata updates, connections, and the size of each live
/// client's cluster view. OpenTelemetry and <c>dotnet-counters</c> read it by name.
/// </summary>
internal static class ClientInstruments
{
    public static readonly Meter Meter = new("RxKafka.Client");

    public static readonly Counter<long> MetadataUpdates = Meter.CreateCounter<long>("rxkafka.metadata.updates", "{update}", "Metadata updates, by reason and outcome");

    public static readonly Histogram<double> MetadataUpdateDuration = Meter.CreateHistogram<double>("rxkafka.metadata.update.duration", "ms", "Time from the start of a metadata update to its outcome");

    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>("rxkafka.client.connections", "{connection}", "Open pooled connections, by group");

    public static readonly Counter<long> ConnectionAttempts = Meter.CreateCounter<long>("rxkafka.client.connection.attempts", "{attempt}", "Connection attempts, by group");

    public static readonly Counter<long> ConnectionFailures = Meter.CreateCounter<long>("rxkafka.client.connection.failures", "{attempt}", "Connection attempts that failed, by group");

    public static readonly Counter<long> CoordinatorLookups = Meter.CreateCounter<long>("rxkafka.coordinator.lookups", "{lookup}", "FindCoordinator requests, by key type and outcome");

    // Weak: a client that is never disposed is still collected.
    private static readonly ConditionalWeakTable<KafkaClient, object> LiveClients = new();

    static ClientInstruments()
    {
        Meter.CreateObservableGauge("rxkafka.cluster.brokers", () => Each(c => c.Cluster.Current.Brokers.Count), "{broker}", "Brokers in each client's cluster view");
        Meter.CreateObservableGauge("rxkafka.cluster.topics", () => Each(c => c.Cluster.Current.Topics.Count), "{topic}", "Topics in each client's cluster view");
        Meter.CreateObservableGauge("rxkafka.cluster.generation", () => Each(c => (int)Math.Min(int.MaxValue, c.Cluster.Current.Generation)), "{update}", "Each client's metadata generation");
    }

    public static void Register(KafkaClient client) => LiveClients.TryAdd(client, LiveClients);

    public static void Unregister(KafkaClient client) => LiveClients.Remove(client);

    private static IEnumerable<Measurement<int>> Each(Func<KafkaClient, int> value) =>
        LiveClients.Select(p => p.Key).Select(c => new Measurement<int>(value(c), new KeyValuePair<string, object?>("client.id", c.Options.ClientId)));
}
