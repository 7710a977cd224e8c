using System.Globalization;
using System.Net;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.MockCluster;

/// <summary>
/// librdkafka's mock cluster (a multi-broker Kafka-protocol implementation that librdkafka tests
/// itself against), started in this process through librdkafka's C API and listening on loopback.
/// Every fault control is synchronous: when the call returns, the brokers behave accordingly.
/// </summary>
/// <remarks>
/// The cluster is hosted by a plain producer handle (<c>rd_kafka_new</c>) that sends nothing
/// itself. Broker ids are 1 to N; topics are auto-created on first use (default: 4 partitions,
/// replication factor min(3, N)) or made with <see cref="CreateTopic"/>. Plain TCP only: put a
/// <see cref="StunnelTerminator"/> in front for TLS.
/// </remarks>
/// <example>
/// <code>
/// using var cluster = MockKafkaCluster.Start(3);   // librdkafka 2.15.1 from the librdkafka.redist package
/// cluster.CreateTopic("orders", partitions: 6, replicationFactor: 3);
/// cluster.SetBrokerDown(2);
/// // connect to cluster.BootstrapServers ...
/// </code>
/// </example>
public sealed class MockKafkaCluster : IDisposable
{
    private readonly LibRdKafka _lib;
    private readonly object _gate = new();
    private readonly DnsEndPoint[] _listeners;
    private nint _rk;
    private nint _mcluster;

    private MockKafkaCluster(LibRdKafka lib, nint rk, nint mcluster, int brokerCount)
    {
        _lib = lib;
        _rk = rk;
        _mcluster = mcluster;
        BrokerCount = brokerCount;
        BootstrapServers = lib.ClusterBootstraps(mcluster);
        _listeners = ParseBootstraps(BootstrapServers, brokerCount, lib.Description);
    }

    /// <summary>The librdkafka build hosting this cluster.</summary>
    public MockBuild Build => _lib.Build;

    /// <summary>librdkafka's own version string (<c>rd_kafka_version_str()</c>), e.g. "2.0.2" or "2.15.1".</summary>
    public string Version => _lib.Version;

    /// <summary>The shared library the cluster runs in.</summary>
    public string LibraryPath => _lib.LibraryPath;

    /// <summary>The number of brokers; their ids are 1 to <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>The bootstrap list, e.g. "127.0.0.1:40123,127.0.0.1:40125" (one entry per broker, in id order).</summary>
    public string BootstrapServers { get; }

    /// <summary>
    /// Starts a cluster of <paramref name="brokers"/> brokers in librdkafka 2.15.1 from the
    /// <c>librdkafka.redist</c> package (<see cref="MockBuild.Redist2151"/>), which comes with
    /// RxKafka.Testing: nothing to install besides the .NET SDK.
    /// </summary>
    /// <param name="brokers">How many brokers (1 or more).</param>
    /// <returns>The running cluster; dispose it to stop the brokers.</returns>
    /// <exception cref="DllNotFoundException">The package's library for this platform is missing.</exception>
    /// <exception cref="MockClusterException">librdkafka could not create the handle or the cluster.</exception>
    public static MockKafkaCluster Start(int brokers) => Start(brokers, MockBuild.Redist2151);

    /// <summary>
    /// Starts a cluster of <paramref name="brokers"/> brokers in <paramref name="build"/>.
    /// </summary>
    /// <param name="brokers">How many brokers (1 or more).</param>
    /// <param name="build">Which librdkafka build hosts it.</param>
    /// <returns>The running cluster; dispose it to stop the brokers.</returns>
    /// <exception cref="DllNotFoundException">The build's library is missing (<see cref="MockLibraries.HowToInstall"/> says how to get it).</exception>
    /// <exception cref="MockClusterException">librdkafka could not create the handle or the cluster.</exception>
    public static MockKafkaCluster Start(int brokers, MockBuild build) =>
        Start(brokers, build, MockLibraries.LibraryPath(build));

    /// <summary>Starts a cluster in the library at <paramref name="libraryPath"/> (tests of the loader).</summary>
    internal static MockKafkaCluster Start(int brokers, MockBuild build, string libraryPath)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var lib = LibRdKafka.Get(build, libraryPath);
        var rk = lib.NewHostHandle(
        [
            new("client.id", "rxkafka-mock-cluster-host"),
            // The host handle only carries the cluster; warnings about it having no brokers are noise.
            new("log_level", "3"),
        ]);
        var mcluster = lib.ClusterNew(rk, brokers);
        if (mcluster == 0)
        {
            lib.Destroy(rk);
            throw new MockClusterException(
                $"rd_kafka_mock_cluster_new({brokers} brokers) returned null on {lib.Description} (could it bind loopback ports?)");
        }

        try
        {
            return new MockKafkaCluster(lib, rk, mcluster, brokers);
        }
        catch
        {
            lib.ClusterDestroy(mcluster);
            lib.Destroy(rk);
            throw;
        }
    }

    /// <summary>The address broker <paramref name="brokerId"/> listens on (always its original port, whatever it advertises).</summary>
    /// <param name="brokerId">A broker id, 1 to <see cref="BrokerCount"/>.</param>
    public DnsEndPoint GetBrokerListener(int brokerId)
    {
        CheckBroker(brokerId);
        return _listeners[brokerId - 1];
    }

    /// <summary>Creates a topic (<c>rd_kafka_mock_topic_create</c>).</summary>
    /// <param name="name">The topic name.</param>
    /// <param name="partitions">The number of partitions.</param>
    /// <param name="replicationFactor">The replication factor (at most <see cref="BrokerCount"/>).</param>
    public void CreateTopic(string name, int partitions, int replicationFactor)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var err = _lib.TopicCreate(Handle(), name, partitions, replicationFactor);
        Check(err, $"rd_kafka_mock_topic_create(topic '{name}', {partitions} partitions, replication factor {replicationFactor})");
    }

    /// <summary>
    /// Makes Metadata report <paramref name="error"/> for <paramref name="topic"/> until set back to
    /// <see cref="ErrorCode.None"/> (<c>rd_kafka_mock_topic_set_error</c>).
    /// </summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="error">The error to report.</param>
    public void SetTopicError(string topic, ErrorCode error)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        _lib.TopicSetError(Handle(), topic, (int)error);
    }

    /// <summary>Moves the leadership of a partition (<c>rd_kafka_mock_partition_set_leader</c>); -1 means no leader.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="partition">The partition index.</param>
    /// <param name="brokerId">The new leader's id, or -1 for none.</param>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var err = _lib.PartitionSetLeader(Handle(), topic, partition, brokerId);
        Check(err, $"rd_kafka_mock_partition_set_leader(topic '{topic}', partition {partition}, broker {brokerId})");
    }

    /// <summary>
    /// Takes a broker down (<c>rd_kafka_mock_broker_set_down</c>): its connections are closed and new
    /// ones are refused or closed at once, until <see cref="SetBrokerUp"/>.
    /// </summary>
    /// <param name="brokerId">A broker id, 1 to <see cref="BrokerCount"/>.</param>
    public void SetBrokerDown(int brokerId)
    {
        CheckBroker(brokerId);
        Check(_lib.BrokerSetDown(Handle(), brokerId), $"rd_kafka_mock_broker_set_down(broker {brokerId})");
    }

    /// <summary>Brings a broker back up on the same port (<c>rd_kafka_mock_broker_set_up</c>).</summary>
    /// <param name="brokerId">A broker id, 1 to <see cref="BrokerCount"/>.</param>
    public void SetBrokerUp(int brokerId)
    {
        CheckBroker(brokerId);
        Check(_lib.BrokerSetUp(Handle(), brokerId), $"rd_kafka_mock_broker_set_up(broker {brokerId})");
    }

    /// <summary>Delays every response of a broker by <paramref name="rtt"/> (<c>rd_kafka_mock_broker_set_rtt</c>); zero removes the delay.</summary>
    /// <param name="brokerId">A broker id, 1 to <see cref="BrokerCount"/>.</param>
    /// <param name="rtt">The added round-trip time, whole milliseconds.</param>
    public void SetBrokerRtt(int brokerId, TimeSpan rtt)
    {
        CheckBroker(brokerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(rtt, TimeSpan.Zero);
        var ms = checked((int)rtt.TotalMilliseconds);
        Check(_lib.BrokerSetRtt(Handle(), brokerId, ms), $"rd_kafka_mock_broker_set_rtt(broker {brokerId}, {ms} ms)");
    }

    /// <summary>Sets the rack a broker reports in Metadata (<c>rd_kafka_mock_broker_set_rack</c>).</summary>
    /// <param name="brokerId">A broker id, 1 to <see cref="BrokerCount"/>.</param>
    /// <param name="rack">The rack id, or null for none.</param>
    public void SetBrokerRack(int brokerId, string? rack)
    {
        CheckBroker(brokerId);
        Check(_lib.BrokerSetRack(Handle(), brokerId, rack), $"rd_kafka_mock_broker_set_rack(broker {brokerId}, '{rack}')");
    }

    /// <summary>
    /// Makes Metadata advertise <paramref name="host"/>:<paramref name="port"/> for a broker
    /// (<c>rd_kafka_mock_broker_set_host_port</c>); the broker keeps listening on its own port.
    /// </summary>
    /// <param name="brokerId">A broker id, 1 to <see cref="BrokerCount"/>.</param>
    /// <param name="host">The advertised host.</param>
    /// <param name="port">The advertised port.</param>
    /// <exception cref="NotSupportedException">The build (Debian's 2.0.2) has no such function.</exception>
    public void SetBrokerHostPort(int brokerId, string host, int port)
    {
        CheckBroker(brokerId);
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        _lib.BrokerSetHostPort(Handle(), brokerId, host, port);
    }

    /// <summary>Whether this build can change what a broker advertises (<see cref="SetBrokerHostPort"/>).</summary>
    public bool SupportsSetBrokerHostPort => _lib.HasBrokerSetHostPort;

    /// <summary>
    /// Queues errors for the next requests of <paramref name="apiKey"/> to any broker, one per request, in
    /// order (<c>rd_kafka_mock_push_request_errors_array</c>); <see cref="ErrorCode.None"/> lets one through.
    /// </summary>
    /// <param name="apiKey">The API whose requests fail.</param>
    /// <param name="errors">The errors, first one for the next request.</param>
    public void PushRequestErrors(ApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Span<int> native = errors.Length <= 64 ? stackalloc int[errors.Length] : new int[errors.Length];
        for (var i = 0; i < errors.Length; i++)
        {
            native[i] = (int)errors[i];
        }

        _lib.PushRequestErrors(Handle(), (short)apiKey, native);
    }

    /// <summary>
    /// Queues errors for the next requests of <paramref name="apiKey"/> to broker <paramref name="brokerId"/>
    /// only, one per request, in order (<c>rd_kafka_mock_broker_push_request_error_rtts</c>, answered at
    /// once); <see cref="ErrorCode.None"/> lets one through. A Produce error fails every partition of
    /// the request, and nothing of it is appended.
    /// </summary>
    /// <remarks>
    /// Once a broker has its own queue for an API, the mock no longer looks at the cluster-wide queue
    /// (<see cref="PushRequestErrors"/>) for that broker and API, even after its own queue ran empty.
    /// <see cref="ClearRequestErrors"/> clears only the cluster-wide queue.
    /// </remarks>
    /// <param name="brokerId">The broker whose requests fail.</param>
    /// <param name="apiKey">The API whose requests fail.</param>
    /// <param name="errors">The errors, first one for the next request.</param>
    public void PushBrokerRequestErrors(int brokerId, ApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        CheckBroker(brokerId);
        foreach (var error in errors)
        {
            var err = _lib.BrokerPushRequestError(Handle(), brokerId, (short)apiKey, (int)error, 0);
            Check(err, $"rd_kafka_mock_broker_push_request_error_rtts(broker {brokerId}, {apiKey}, {error})");
        }
    }

    /// <summary>Drops the errors still queued for <paramref name="apiKey"/> (<c>rd_kafka_mock_clear_request_errors</c>).</summary>
    /// <param name="apiKey">The API.</param>
    public void ClearRequestErrors(ApiKey apiKey) => _lib.ClearRequestErrors(Handle(), (short)apiKey);

    /// <summary>
    /// Narrows the versions the brokers offer for an API in ApiVersions and accept
    /// (<c>rd_kafka_mock_set_apiversion</c>); -1 for both removes the API.
    /// </summary>
    /// <param name="apiKey">The API.</param>
    /// <param name="minVersion">The lowest version offered.</param>
    /// <param name="maxVersion">The highest version offered.</param>
    public void SetApiVersion(ApiKey apiKey, short minVersion, short maxVersion)
    {
        var err = _lib.SetApiVersion(Handle(), (short)apiKey, minVersion, maxVersion);
        Check(err, $"rd_kafka_mock_set_apiversion({apiKey}, {minVersion}..{maxVersion})");
    }

    /// <summary>Pins the coordinator of a group or transactional id to a broker (<c>rd_kafka_mock_coordinator_set</c>).</summary>
    /// <param name="type">Group or transaction coordinator.</param>
    /// <param name="key">The group id or transactional id.</param>
    /// <param name="brokerId">The coordinator's broker id.</param>
    public void SetCoordinator(MockCoordinatorType type, string key, int brokerId)
    {
        ArgumentNullException.ThrowIfNull(key);
        var keyType = type switch
        {
            MockCoordinatorType.Group => "group",
            MockCoordinatorType.Transaction => "transaction",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown coordinator type"),
        };
        var err = _lib.CoordinatorSet(Handle(), keyType, key, brokerId);
        Check(err, $"rd_kafka_mock_coordinator_set({keyType} '{key}', broker {brokerId})");
    }

    /// <summary>Stops the brokers (<c>rd_kafka_mock_cluster_destroy</c>) and the host handle (<c>rd_kafka_destroy</c>).</summary>
    public void Dispose()
    {
        nint rk, mcluster;
        lock (_gate)
        {
            (rk, mcluster) = (_rk, _mcluster);
            (_rk, _mcluster) = (0, 0);
        }

        if (mcluster != 0)
        {
            _lib.ClusterDestroy(mcluster);
        }

        if (rk != 0)
        {
            _lib.Destroy(rk);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{BrokerCount}-broker mock cluster on {_lib.Description}: {BootstrapServers}";

    private nint Handle()
    {
        var mcluster = Volatile.Read(ref _mcluster);
        ObjectDisposedException.ThrowIf(mcluster == 0, this);
        return mcluster;
    }

    private void CheckBroker(int brokerId)
    {
        if (brokerId < 1 || brokerId > BrokerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(brokerId), brokerId, $"broker ids of this cluster are 1 to {BrokerCount}");
        }
    }

    private void Check(int err, string call)
    {
        if (err != 0)
        {
            throw new MockClusterException($"{call} failed on {_lib.Description}: {_lib.DescribeError(err)}", err);
        }
    }

    private static DnsEndPoint[] ParseBootstraps(string bootstraps, int brokers, string library)
    {
        var entries = bootstraps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length != brokers)
        {
            throw new MockClusterException($"{library} gave {entries.Length} bootstrap entries for {brokers} brokers: '{bootstraps}'");
        }

        var result = new DnsEndPoint[brokers];
        for (var i = 0; i < entries.Length; i++)
        {
            var colon = entries[i].LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(entries[i].AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                throw new MockClusterException($"{library} gave an unreadable bootstrap entry '{entries[i]}' in '{bootstraps}'");
            }

            result[i] = new DnsEndPoint(entries[i][..colon], port);
        }

        return result;
    }
}
