using System.Diagnostics;
using System.Text.Json;
using RxKafka.Network;
using RxKafka.Network.Transports;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.MockCluster;

namespace RxKafka.Benchmarks;

/// <summary>
/// RxKafka and kafka-python against the same 2.15.1 mock broker in one run
/// (<c>dotnet run -c Release --project benchmarks/RxKafka.Benchmarks -- sidebyside</c>): Metadata
/// (no topics) round trips on one connection, one at a time and pipelined, and the ratios.
/// kafka-python is Debian's python3-kafka under <c>/usr/bin/python3</c>; without it only RxKafka runs.
/// Wall-clock timing of whole loops, so the numbers are rough: BenchmarkDotNet's are the careful ones.
/// </summary>
internal static class SideBySide
{
    private const int Sequential = 5_000;
    private const int Pipelined = 20_000;
    private const int Batch = 1_000;
    private const string Python = "/usr/bin/python3";

    public static async Task RunAsync()
    {
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);
        Console.WriteLine($"librdkafka {cluster.Version} mock at {cluster.BootstrapServers}; Metadata (no topics), one connection");

        var (rxSequential, rxPipelined, rxVersion) = await MeasureRxKafkaAsync(cluster.BootstrapServers);
        Print($"RxKafka (Metadata v{rxVersion})", rxSequential, rxPipelined);

        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "kafka_python_metadata.py");
        if (!File.Exists(Python))
        {
            Console.WriteLine($"{Python} is missing: no kafka-python comparison");
            return;
        }

        var peer = RunPeer(script, cluster.BootstrapServers);
        if (peer is null)
        {
            return;
        }

        var (name, version, peerSequential, peerPipelined) = peer.Value;
        Print($"{name} (Metadata v{version})", peerSequential, peerPipelined);
        Console.WriteLine($"{"kafka-python / RxKafka",-34} {peerSequential / rxSequential,8:F1}x {"",12} {peerPipelined / rxPipelined,8:F1}x");
    }

    private static void Print(string client, double sequential, double pipelined)
        => Console.WriteLine($"{client,-34} {sequential,8:F1} us/request one at a time   {pipelined,8:F2} us/request pipelined ({Batch} in flight)");

    private static async Task<(double Sequential, double Pipelined, short Version)> MeasureRxKafkaAsync(string bootstrap)
    {
        await using var connection = await KafkaConnection.ConnectAsync(BootstrapServers.Parse(bootstrap)[0], new SocketTransportFactory());
        connection.ApiVersions!.TryPick(ApiKey.Metadata, out var version);
        for (var i = 0; i < 2_000; i++)
        {
            await RoundTrips.Metadata(connection);
        }

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Sequential; i++)
        {
            await RoundTrips.Metadata(connection);
        }

        var sequential = Stopwatch.GetElapsedTime(started).TotalMicroseconds / Sequential;
        await RoundTrips.Pipelined(connection, Batch);
        started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Pipelined / Batch; i++)
        {
            await RoundTrips.Pipelined(connection, Batch);
        }

        var pipelined = Stopwatch.GetElapsedTime(started).TotalMicroseconds / (Pipelined / Batch * Batch);
        return (sequential, pipelined, version);
    }

    private static (string Name, int Version, double Sequential, double Pipelined)? RunPeer(string script, string bootstrap)
    {
        var (exitCode, output, error) = ChildProcess.Run(Python, [script, bootstrap, Sequential.ToString(), Pipelined.ToString(), Batch.ToString()]);
        if (exitCode != 0)
        {
            Console.WriteLine($"kafka-python failed (exit {exitCode}): {error.Trim()}");
            return null;
        }

        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        return (root.GetProperty("client").GetString()!, root.GetProperty("metadata_version").GetInt32(),
            root.GetProperty("one_at_a_time_us").GetDouble(), root.GetProperty("pipelined_us").GetDouble());
    }
}
