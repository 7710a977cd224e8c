using System.Collections.Immutable;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Reactive;

namespace RxKafka.Client;

/// <summary>
/// A client of one Kafka cluster: it bootstraps (K1), keeps a pool of broker connections (K2),
/// keeps the cluster view current with the metadata synchronizer (K3-K5), finds coordinators
/// (K7), waits for topics (K8) and sends requests to a broker, a partition's leader, the
/// controller, a coordinator or any broker (K9). The cluster is live data: <see cref="Cluster"/>
/// holds the current <see cref="ClusterSnapshot"/> and the stream of typed changes. Every timer
/// runs on the options' scheduler, so all of it can be driven in virtual time.
/// </summary>
/// <example>
/// <code>
/// await using var client = await KafkaClient.ConnectAsync(new KafkaClientOptions { BootstrapServers = BootstrapServers.Parse("localhost:9092") });
/// using var moves = client.Cluster.Changes.OfType&lt;LeaderChanged&gt;().Subscribe(Console.WriteLine);
/// </code>
/// </example>
public sealed partial class KafkaClient : IKafkaClient
{
    private readonly IScheduler _scheduler;
    private readonly ClusterView _view;
    private readonly ConnectionPool _pool;
    private readonly RecentFailures _failures;
    private readonly MetadataSynchronizer _synchronizer;
    private readonly Random _random;
    private readonly ILogger? _logger;
    private readonly KafkaVersion? _configuredVersion;
    private readonly object _gate = new();
    private ImmutableHashSet<string> _topics = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    private KafkaVersion? _detectedVersion;
    private int _disposed;

    /// <summary>
    /// Creates a client without connecting; <see cref="BootstrapAsync"/> (or
    /// <see cref="ConnectAsync(KafkaClientOptions, CancellationToken)"/>) makes the first Metadata request.
    /// </summary>
    /// <exception cref="KafkaConfigException">The options are not valid; the message names the setting.</exception>
    public KafkaClient(KafkaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _scheduler = options.Scheduler;
        _random = options.Random ?? Random.Shared;
        _logger = options.LoggerFactory?.CreateLogger("RxKafka.KafkaClient");
        _configuredVersion = string.Equals(options.ApiVersion, KafkaClientOptions.AutoApiVersion, StringComparison.OrdinalIgnoreCase) ? null : KafkaVersion.Parse(options.ApiVersion);
        _view = new ClusterView(ClusterSnapshot.FromBootstrap(options.BootstrapServers));
        _failures = new RecentFailures(_scheduler);
        _pool = new ConnectionPool(
            options.CreateTransportFactory(),
            options.ToConnectionOptions(),
            options.ReconnectBackoffOptions,
            _random,
            _logger,
            OnConnectionClosed,
            _failures);
        _synchronizer = new MetadataSynchronizer(UpdateMetadata, options.MetadataMaxAge, new Backoff(options.RetryBackoffOptions, _random), _scheduler);
        ClientInstruments.Register(this);
    }

    /// <summary>The options the client was made with.</summary>
    public KafkaClientOptions Options { get; }

    /// <summary>
    /// The live cluster view: <see cref="ClusterView.Snapshots"/> (a BehaviorSubject: current first,
    /// M3), <see cref="ClusterView.Changes"/> (typed diffs, M4) and <see cref="ClusterView.Updates"/>
    /// (every update's outcome, failures included, M6).
    /// </summary>
    public ClusterView Cluster => _view;

    /// <summary>The current snapshot (<c>Cluster.Current</c>).</summary>
    public ClusterSnapshot Snapshot => _view.Current;

    // On the interface, not the class: a KafkaClient already has them as Cluster.Snapshots and Cluster.Changes,
    // and the interface cannot hand out a ClusterView (a fake could not make one).
    IObservable<ClusterSnapshot> IKafkaClient.Snapshots => _view.Snapshots;

    IObservable<ClusterChange> IKafkaClient.Changes => _view.Changes;

    /// <summary>
    /// The broker release (K6): the configured <c>api.version</c>, or with "auto" the release
    /// derived from the first broker's ApiVersions answer; null before any broker answered.
    /// </summary>
    public KafkaVersion? BrokerVersion => _configuredVersion ?? _detectedVersion;

    /// <summary>Creates a client and bootstraps it (K1).</summary>
    /// <exception cref="KafkaConfigException">The options are not valid.</exception>
    /// <exception cref="KafkaConnectionException">No bootstrap server answered Metadata; the message lists each one's error.</exception>
    public static async Task<KafkaClient> ConnectAsync(KafkaClientOptions options, CancellationToken cancellationToken = default)
    {
        var client = new KafkaClient(options);
        try
        {
            await client.BootstrapAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a client for <paramref name="bootstrapServers"/> ("host:port,host:port") with default options and bootstraps it.</summary>
    public static Task<KafkaClient> ConnectAsync(string bootstrapServers, CancellationToken cancellationToken = default) =>
        ConnectAsync(KafkaClientOptions.FromBootstrap(bootstrapServers), cancellationToken);

    /// <summary>
    /// K1: asks the bootstrap servers, in turn, for metadata until one answers. Completes with the
    /// first snapshot; fails with <see cref="KafkaConnectionException"/> ("unable to bootstrap from
    /// ...") listing each server's error. The synchronizer keeps trying after the retry backoff.
    /// </summary>
    public Task<ClusterSnapshot> BootstrapAsync(CancellationToken cancellationToken = default) =>
        _synchronizer.Force(MetadataUpdateReason.Bootstrap).ToTask(cancellationToken);

    /// <summary>
    /// Closes every connection (reason Shutdown), stops the synchronizer (a pending
    /// <see cref="ForceMetadataUpdate"/> fails with <see cref="ObjectDisposedException"/>) and
    /// completes the cluster streams.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        ClientInstruments.Unregister(this);
        _synchronizer.Dispose();
        await _pool.DisposeAsync().ConfigureAwait(false);
        _view.Dispose();
    }

    /// <summary>
    /// The broker release of node <paramref name="nodeId"/> derived from its ApiVersions answer
    /// (K6), or null when no connection to it has been negotiated.
    /// </summary>
    public KafkaVersion? GetBrokerVersion(int nodeId) =>
        _pool.ReadyConnections().FirstOrDefault(c => c.Node.NodeId == nodeId).Connection?.ApiVersions is { } table
            ? BrokerVersions.Detect(table)
            : null;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    // K5: a broken or timed-out connection means a leader may have moved. Idle drops and shutdowns do not.
    private void OnConnectionClosed(BrokerNode node, ConnectionGroup group, ConnectionState state)
    {
        if (Volatile.Read(ref _disposed) != 0 || state.Reason is not (CloseReason.ConnectionBroken or CloseReason.ConnectionTimeout))
        {
            return;
        }

        _logger?.LogInformation("Connection to broker {Broker} ({Group}) closed: {Reason}; updating metadata", node, group, state.Reason);
        _synchronizer.Trigger(MetadataUpdateReason.ConnectionLost);
    }

    private void DetectBrokerVersion(KafkaConnection connection)
    {
        if (_detectedVersion is null && connection.ApiVersions is { } table && BrokerVersions.Detect(table) is { } version)
        {
            _detectedVersion = version;
            _logger?.LogInformation("Broker {Broker} looks like Kafka {Version}", connection.Broker, version);
        }
    }
}
