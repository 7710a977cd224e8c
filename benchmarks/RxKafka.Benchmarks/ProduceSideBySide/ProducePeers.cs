using RxKafka.Testing.MockCluster;

namespace RxKafka.Benchmarks.ProduceSideBySide;

/// <summary>One workload: how many records, of what size, with which codec.</summary>
internal sealed record ProduceWorkload(long Records, int ValueBytes, string Compression)
{
    public override string ToString() => $"{Records:N0} x {ValueBytes} B, {Compression}";
}

/// <summary>The settings every client gets (recorded in the report).</summary>
internal sealed record ProduceSettings(string Topic, string Acks, int LingerMs, int BatchSize, long Warmup);

/// <summary>How to start one client's producer process, or why it cannot run.</summary>
/// <param name="Name">The short name used in the table ("confluent", "kafkajs", "rxkafka").</param>
/// <param name="FileName">The program to start.</param>
/// <param name="Prefix">Arguments before the common ones (e.g. the script or assembly).</param>
/// <param name="Environment">Extra environment variables.</param>
/// <param name="SkipReason">Why this client does not run at all, or null.</param>
/// <param name="Unsupported">Why a codec cannot run for this client (codec → reason).</param>
internal sealed record PeerClient(
    string Name,
    string FileName,
    IReadOnlyList<string> Prefix,
    IReadOnlyDictionary<string, string> Environment,
    string? SkipReason,
    IReadOnlyDictionary<string, string> Unsupported)
{
    public static PeerClient Skipped(string name, string reason) =>
        new(name, "", [], new Dictionary<string, string>(), reason, new Dictionary<string, string>());

    /// <summary>The arguments of one run: the command-line contract every peer program follows.</summary>
    public IEnumerable<string> Arguments(string bootstrap, ProduceWorkload workload, ProduceSettings settings)
    {
        foreach (var argument in Prefix)
        {
            yield return argument;
        }

        yield return "--bootstrap";
        yield return bootstrap;
        yield return "--topic";
        yield return settings.Topic;
        yield return "--records";
        yield return workload.Records.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--value-bytes";
        yield return workload.ValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--compression";
        yield return workload.Compression;
        yield return "--acks";
        yield return settings.Acks;
        yield return "--warmup";
        yield return settings.Warmup.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Name != "kafkajs")
        {
            // kafkajs has neither: it is handed batches (see benchmarks/Peers/kafkajs/produce.js).
            yield return "--linger-ms";
            yield return settings.LingerMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yield return "--batch-size";
            yield return settings.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>Finds and builds the peer programs under <c>benchmarks/</c>.</summary>
internal static class ProducePeers
{
    /// <summary>Where RxKafka's own producer runner will live, with the same command-line contract as the Confluent.Kafka peer.</summary>
    public const string RxKafkaProject = "benchmarks/Peers/RxKafkaProducer/RxKafkaProducer.csproj";

    public const string ConfluentProject = "benchmarks/Peers/ConfluentProducer/ConfluentProducer.csproj";

    public const string BrokerHostProject = "benchmarks/RxKafka.BrokerHost/RxKafka.BrokerHost.csproj";

    public const string KafkaJsScript = "benchmarks/Peers/kafkajs/produce.js";

    /// <summary>The repository root: the nearest folder above this program that holds RxKafka.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RxKafka.sln")))
            {
                return dir.FullName;
            }
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RxKafka.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository (RxKafka.sln) above this program or the current folder");
    }

    /// <summary>The folder scripts/bench-setup.sh installs the kafkajs peer's modules in.</summary>
    public static string KafkaJsModules => Path.Combine(MockLibraries.CacheDirectory, "peers", "kafkajs", "node_modules");

    /// <summary>Every client name <see cref="Prepare"/> knows.</summary>
    public static readonly string[] Known = ["confluent", "kafkajs", "rxkafka", "rxkafka-callback", "confluent-lean"];

    public static PeerClient Prepare(string name, string root) => name switch
    {
        "confluent" => DotNetPeer(name, root, ConfluentProject, notReady: null),
        "rxkafka" => DotNetPeer(name, root, RxKafkaProject, notReady: "producer not implemented yet"),
        // Variants: RxKafka with a callback per record (as Confluent.Kafka's handler), and
        // Confluent.Kafka with the cheapest delivery reports it has (no fields marshalled).
        "rxkafka-callback" => DotNetPeer(name, root, RxKafkaProject, notReady: null, "--delivery-callback"),
        "confluent-lean" => DotNetPeer(name, root, ConfluentProject, notReady: null, "--set", "dotnet.producer.delivery.report.fields=none"),
        "kafkajs" => KafkaJs(root),
        _ => throw new ArgumentException($"unknown client '{name}' (known: {string.Join(", ", Known)})"),
    };

    /// <summary>Builds a .NET project in Release and gives the path of its main assembly, or an error.</summary>
    public static (string? Assembly, string? Error) Build(string root, string project)
    {
        var path = Path.Combine(root, project);
        var (exitCode, output, error) = ChildProcess.Run("dotnet", ["build", path, "-c", "Release", "-nologo", "-v", "quiet"], root);
        if (exitCode != 0)
        {
            var lines = (output + error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return (null, $"dotnet build {project} failed: {string.Join(" | ", lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(3))}");
        }

        var name = Path.GetFileNameWithoutExtension(project);
        var assembly = Path.Combine(Path.GetDirectoryName(path)!, "bin", "Release", "net10.0", name + ".dll");
        return File.Exists(assembly) ? (assembly, null) : (null, $"built {project} but found no {assembly}");
    }

    private static PeerClient DotNetPeer(string name, string root, string project, string? notReady, params string[] options)
    {
        if (!File.Exists(Path.Combine(root, project)))
        {
            return PeerClient.Skipped(name, notReady ?? $"{project} is missing");
        }

        var (assembly, error) = Build(root, project);
        return assembly is null
            ? PeerClient.Skipped(name, error!)
            : new PeerClient(name, "dotnet", [assembly, .. options], new Dictionary<string, string>(), null, new Dictionary<string, string>());
    }

    private static PeerClient KafkaJs(string root)
    {
        var modules = KafkaJsModules;
        if (!Directory.Exists(Path.Combine(modules, "kafkajs")))
        {
            return PeerClient.Skipped("kafkajs", $"no kafkajs in {modules}: run scripts/bench-setup.sh");
        }

        var unsupported = new Dictionary<string, string>();
        if (!File.Exists(Path.Combine(modules, "lz4", "build", "Release", "lz4.node")) || !Directory.Exists(Path.Combine(modules, "kafkajs-lz4")))
        {
            unsupported["lz4"] = "lz4 not available for kafkajs (kafkajs-lz4 or its native lz4 module did not install)";
        }

        return new PeerClient("kafkajs", "node", [Path.Combine(root, KafkaJsScript)],
            new Dictionary<string, string> { ["NODE_PATH"] = modules }, null, unsupported);
    }
}
