using BenchmarkDotNet.Attributes;
using RxKafka.Network;
using RxKafka.Network.Transports;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.MockCluster;

namespace RxKafka.Benchmarks;

/// <summary>
/// Request round trips on one connection to librdkafka's 2.15.1 mock cluster over loopback TCP:
/// one at a time (each awaited before the next) and pipelined (N in flight, then all awaited).
/// Pipelined results are per request (OperationsPerInvoke = N). The mock's own cost is in these
/// numbers; <see cref="InMemoryConnectionBenchmarks"/> isolates the client.
/// </summary>
/// <remarks>Needs <c>scripts/setup.sh</c> to have built the 2.15.1 library.</remarks>
[MemoryDiagnoser]
public class MockConnectionBenchmarks
{
    private MockKafkaCluster? _cluster;
    private KafkaConnection _connection = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);
        var endpoint = BootstrapServers.Parse(_cluster.BootstrapServers)[0];
        _connection = KafkaConnection.ConnectAsync(endpoint, new SocketTransportFactory())
            .GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _cluster?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<MetadataResponse> Metadata_OneAtATime() => RoundTrips.Metadata(_connection);

    [Benchmark]
    public Task<ApiVersionsResponse> ApiVersions_OneAtATime() => RoundTrips.ApiVersions(_connection);

    [Benchmark(OperationsPerInvoke = 100)]
    public Task Metadata_Pipelined_100() => RoundTrips.Pipelined(_connection, 100);

    [Benchmark(OperationsPerInvoke = 100)]
    public Task Metadata_AwaitedInTurn_100() => RoundTrips.AwaitedInTurn(_connection, 100);

    [Benchmark(OperationsPerInvoke = 1000)]
    public Task Metadata_Pipelined_1000() => RoundTrips.Pipelined(_connection, 1000);
}

/// <summary>
/// The same round trips against <see cref="EchoBroker"/>, a broker in memory that answers from
/// precomputed bytes and allocates nothing per request, so time and allocated bytes are the
/// client's own: encoding, correlation, timeout scheduling, decoding and the task bridge.
/// </summary>
[MemoryDiagnoser]
public class InMemoryConnectionBenchmarks
{
    private KafkaConnection _connection = null!;

    [GlobalSetup]
    public void Setup()
    {
        _connection = KafkaConnection.ConnectAsync(new BrokerEndpoint("broker", 9092), new EchoBroker())
            .GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task<MetadataResponse> Metadata_OneAtATime() => RoundTrips.Metadata(_connection);

    [Benchmark]
    public Task<HeartbeatResponse> Heartbeat_OneAtATime() => RoundTrips.Heartbeat(_connection);

    [Benchmark(OperationsPerInvoke = 100)]
    public Task Metadata_Pipelined_100() => RoundTrips.Pipelined(_connection, 100);

    [Benchmark(OperationsPerInvoke = 100)]
    public Task Metadata_AwaitedInTurn_100() => RoundTrips.AwaitedInTurn(_connection, 100);

    [Benchmark(OperationsPerInvoke = 1000)]
    public Task Metadata_Pipelined_1000() => RoundTrips.Pipelined(_connection, 1000);
}

/// <summary>The request shapes both benchmark classes send.</summary>
internal static class RoundTrips
{
    public static Task<MetadataResponse> Metadata(KafkaConnection connection)
        => connection.SendAsync(new MetadataRequest { Topics = [] });

    public static Task<ApiVersionsResponse> ApiVersions(KafkaConnection connection)
        => connection.SendAsync(new ApiVersionsRequest { ClientSoftwareName = "rxkafka-bench", ClientSoftwareVersion = "1.0.0" });

    public static Task<HeartbeatResponse> Heartbeat(KafkaConnection connection)
        => connection.SendAsync(new HeartbeatRequest { GroupId = "bench", GenerationId = 1, MemberId = "member-1" });

    // As async code sends one request at a time: each awaited on the thread pool before the next.
    public static Task AwaitedInTurn(KafkaConnection connection, int count) => Task.Run(async () =>
    {
        for (var i = 0; i < count; i++)
        {
            await connection.SendAsync(new MetadataRequest { Topics = [] }).ConfigureAwait(false);
        }
    });

    public static async Task Pipelined(KafkaConnection connection, int count)
    {
        var requests = new Task<MetadataResponse>[count];
        for (var i = 0; i < count; i++)
        {
            requests[i] = connection.SendAsync(new MetadataRequest { Topics = [] });
        }

        await Task.WhenAll(requests).ConfigureAwait(false);
    }
}
