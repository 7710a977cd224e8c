using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RxKafka.Benchmarks.ProduceSideBySide;

/// <summary>
/// The side-by-side producer benchmark (docs/benchmarks.md):
/// <c>dotnet run -c Release --project benchmarks/RxKafka.Benchmarks -- produce-sidebyside [options]</c>.
/// One mock cluster in its own process (RxKafka.BrokerHost); each client's producer is a child process
/// of its own, run alternately (A B C A B C ...) for every workload; medians of records/s and of client
/// CPU µs per record, and each client's ratios to Confluent.Kafka's.
/// </summary>
internal static class ProduceSideBySideCommand
{
    private const string Usage = """
        produce-sidebyside [--records 1000000,5000000] [--compression none,lz4] [--runs 3]
                           [--clients confluent,kafkajs,rxkafka] [--value-bytes 100] [--acks 1]
                           [--linger-ms 5] [--batch-size 1000000] [--warmup 1000000]
                           [--brokers 3] [--partitions 6] [--json FILE]
        clients: confluent, kafkajs, rxkafka, and two variants: rxkafka-callback (a delivery
        callback per record, as Confluent.Kafka's handler) and confluent-lean
        (dotnet.producer.delivery.report.fields=none)
        """;

    private const string Baseline = "confluent";

    public static async Task<int> RunAsync(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"produce-sidebyside: {e.Message}");
            Console.Error.WriteLine("usage: " + Usage);
            return 2;
        }

        var root = ProducePeers.RepositoryRoot();
        Console.WriteLine($"produce-sidebyside: {Environment.ProcessorCount} cores; load average at start: {MachineLoad.LoadAverage()}");
        Console.WriteLine("building the broker host and the peers ...");
        var (hostAssembly, hostError) = ProducePeers.Build(root, ProducePeers.BrokerHostProject);
        if (hostAssembly is null)
        {
            Console.Error.WriteLine(hostError);
            return 1;
        }

        var clients = options.Clients.Select(name => ProducePeers.Prepare(name, root)).ToList();
        foreach (var skipped in clients.Where(c => c.SkipReason is not null))
        {
            Console.WriteLine($"  {skipped.Name}: skipped, {skipped.SkipReason}");
        }

        var settings = new ProduceSettings("produce-bench", options.Acks, options.LingerMs, options.BatchSize, options.Warmup);
        using var host = BrokerHostProcess.Start(hostAssembly, options.Brokers, options.Partitions, settings.Topic);
        Console.WriteLine($"broker: {host.Description}");
        Console.WriteLine($"settings: acks={settings.Acks}, linger.ms={settings.LingerMs} and batch.size={settings.BatchSize} (librdkafka-based clients), " +
                          $"{settings.Warmup:N0} warm-up records per process, {options.Runs} runs per client and workload, alternated");

        var steal = MachineLoad.StartSampling();
        var results = new List<RunResult>();
        await using var json = options.JsonPath is null ? null : new StreamWriter(options.JsonPath, append: false);
        foreach (var workload in options.Workloads)
        {
            var runnable = clients.Where(c => c.SkipReason is null && !c.Unsupported.ContainsKey(workload.Compression)).ToList();
            for (var round = 1; round <= options.Runs; round++)
            {
                foreach (var client in runnable)
                {
                    var result = await RunOnceAsync(client, host, workload, settings, round);
                    results.Add(result);
                    Console.WriteLine($"  {workload,-26} run {round}/{options.Runs} {client.Name,-16} {result.Summary}");
                    if (json is not null && result.Json is not null)
                    {
                        await json.WriteLineAsync(result.Json.ToJsonString());
                    }
                }
            }
        }

        Console.WriteLine();
        PrintTable(options, clients, results);
        Console.WriteLine();
        Console.WriteLine($"load average at end: {MachineLoad.LoadAverage()}; CPU steal over the runs: {steal.Stop()}");
        return results.Any(r => !r.Ok) ? 1 : 0;
    }

    private static async Task<RunResult> RunOnceAsync(PeerClient client, BrokerHostProcess host, ProduceWorkload workload, ProduceSettings settings, int round)
    {
        var start = new ProcessStartInfo(client.FileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in client.Arguments(host.BootstrapServers, workload, settings))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in client.Environment)
        {
            start.Environment[key] = value;
        }

        var loadBefore = MachineLoad.LoadAverage();
        var brokerBefore = host.CpuTime();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120 + ((workload.Records + settings.Warmup) / 20_000)));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return RunResult.Failed(client.Name, workload, round, "timed out");
        }

        var brokerCpu = host.CpuTime() - brokerBefore;
        var line = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        if (line is null)
        {
            var said = (await error).Trim().Split('\n').TakeLast(3);
            return RunResult.Failed(client.Name, workload, round, $"exit code {process.ExitCode}, no result: {string.Join(" | ", said)}");
        }

        var node = JsonNode.Parse(line)!.AsObject();
        node["round"] = round;
        node["load_average_before"] = loadBefore;
        if (brokerCpu is { } cpu)
        {
            node["broker_cpu_s"] = cpu.TotalSeconds;
            // What everything else on the machine used meanwhile, in cores: the machine's busy time over the
            // client's measured interval, less the client's and the broker's (the broker's over the client's
            // whole life, warm-up included, so this errs low).
            if (node["machine_busy_s"] is { } busy && node["cpu_s"] is { } own && node["elapsed_s"] is { } elapsed)
            {
                node["others_cores"] = Math.Max(0, busy.GetValue<double>() - own.GetValue<double>() - cpu.TotalSeconds) / elapsed.GetValue<double>();
            }
        }

        var ok = process.ExitCode == 0 && node["delivery_errors"]?.GetValue<long>() == 0;
        var reason = ok ? null : $"exit code {process.ExitCode}, {node["delivery_errors"]} delivery errors: {(await error).Trim().Split('\n').LastOrDefault()}";
        return new RunResult(client.Name, workload, round, node, ok, reason);
    }

    private static void PrintTable(Options options, List<PeerClient> clients, List<RunResult> results)
    {
        Console.WriteLine($"{"client",-16} {"workload",-26} {"runs",4} {"records/s (median)",19} {"min..max",17} {"CPU us/rec",10} {"alloc B/rec",11} {"broker us/rec",13} {"others",6} {"rate vs conf.",13} {"CPU vs conf.",12}");
        foreach (var workload in options.Workloads)
        {
            var baseline = Summarize(results, Baseline, workload);
            foreach (var client in clients)
            {
                var label = $"{client.Name,-16} {workload,-26}";
                if (client.SkipReason is not null)
                {
                    Console.WriteLine($"{label} skipped: {client.SkipReason}");
                    continue;
                }

                if (client.Unsupported.TryGetValue(workload.Compression, out var why))
                {
                    Console.WriteLine($"{label} skipped: {why}");
                    continue;
                }

                var own = Summarize(results, client.Name, workload);
                if (own is null)
                {
                    var failure = results.FirstOrDefault(r => r.Client == client.Name && r.Workload == workload && !r.Ok)?.Error;
                    Console.WriteLine($"{label} no successful run: {failure}");
                    continue;
                }

                var m = own.Value;
                var rateRatio = baseline is { } b ? $"{m.RecordsPerSecond / b.RecordsPerSecond:F2}x" : "-";
                var cpuRatio = baseline is { } c ? $"{m.CpuMicrosPerRecord / c.CpuMicrosPerRecord:F2}x" : "-";
                var alloc = m.AllocBytesPerRecord is { } a ? a.ToString("F1", CultureInfo.InvariantCulture) : "-";
                var broker = m.BrokerMicrosPerRecord is { } br ? br.ToString("F2", CultureInfo.InvariantCulture) : "-";
                var others = m.OtherCores is { } o ? o.ToString("F2", CultureInfo.InvariantCulture) : "-";
                Console.WriteLine($"{label} {m.Runs,4} {m.RecordsPerSecond,19:N0} {$"{m.Min:N0}..{m.Max:N0}",17} {m.CpuMicrosPerRecord,10:F2} {alloc,11} {broker,13} {others,6} {rateRatio,13} {cpuRatio,12}");
            }
        }

        Console.WriteLine();
        Console.WriteLine("rate vs conf. = median records/s over Confluent.Kafka's (higher is better); CPU vs conf. = median client CPU per record over");
        Console.WriteLine("Confluent.Kafka's (lower is better). Target for rxkafka over 5,000,000 records: CPU at most 0.33x, rate at least 1.5x,");
        Console.WriteLine("no allocation per record on the fire-and-forget path. alloc B/rec: managed bytes per record (.NET clients only).");
        Console.WriteLine("broker us/rec: the broker host's CPU per record. others: cores kept busy by every other process meanwhile (median).");
    }

    private static Summary? Summarize(List<RunResult> results, string client, ProduceWorkload workload)
    {
        var runs = results.Where(r => r.Client == client && r.Workload == workload && r.Ok && r.Json is not null).Select(r => r.Json!).ToList();
        if (runs.Count == 0)
        {
            return null;
        }

        double[] Values(string name) => runs.Where(r => r[name] is not null).Select(r => r[name]!.GetValue<double>()).ToArray();
        var rates = Values("records_per_s");
        var alloc = Values("alloc_bytes_per_record");
        var broker = runs.Where(r => r["broker_cpu_s"] is not null).Select(r => r["broker_cpu_s"]!.GetValue<double>() * 1e6 / workload.Records).ToArray();
        var others = Values("others_cores");
        return new Summary(
            runs.Count,
            Median(rates),
            rates.Min(),
            rates.Max(),
            Median(Values("cpu_us_per_record")),
            alloc.Length == 0 ? null : Median(alloc),
            broker.Length == 0 ? null : Median(broker),
            others.Length == 0 ? null : Median(others));
    }

    /// <summary>The median; for an even count, the mean of the middle two.</summary>
    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private readonly record struct Summary(
        int Runs, double RecordsPerSecond, double Min, double Max, double CpuMicrosPerRecord, double? AllocBytesPerRecord, double? BrokerMicrosPerRecord, double? OtherCores);

    private sealed record RunResult(string Client, ProduceWorkload Workload, int Round, JsonObject? Json, bool Ok, string? Error)
    {
        public static RunResult Failed(string client, ProduceWorkload workload, int round, string error) => new(client, workload, round, null, false, error);

        public string Summary => Json is null || !Ok
            ? $"FAILED: {Error}"
            : $"{Json["records_per_s"]!.GetValue<double>(),12:N0} records/s {Json["cpu_us_per_record"]!.GetValue<double>(),7:F2} us CPU/record" +
              (Json["others_cores"] is { } others ? $", other processes {others.GetValue<double>():F2} cores" : "");
    }

    private sealed record Options(
        IReadOnlyList<ProduceWorkload> Workloads,
        IReadOnlyList<string> Clients,
        int Runs,
        string Acks,
        int LingerMs,
        int BatchSize,
        long Warmup,
        int Brokers,
        int Partitions,
        string? JsonPath)
    {
        public static Options Parse(string[] args)
        {
            long[] records = [1_000_000, 5_000_000];
            string[] compressions = ["none", "lz4"];
            string[] clients = [Baseline, "kafkajs", "rxkafka"];
            int runs = 3, valueBytes = 100, lingerMs = 5, batchSize = 1_000_000, brokers = 3, partitions = 6;
            long warmup = 1_000_000;
            var acks = "1";
            string? json = null;
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                int Number() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
                string[] List() => Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                switch (args[i])
                {
                    case "--records": records = List().Select(v => long.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray(); break;
                    case "--compression": compressions = List().Select(v => v.ToLowerInvariant()).ToArray(); break;
                    case "--clients": clients = List().Select(v => v.ToLowerInvariant()).ToArray(); break;
                    case "--runs": runs = Number(); break;
                    case "--value-bytes": valueBytes = Number(); break;
                    case "--acks": acks = Value(); break;
                    case "--linger-ms": lingerMs = Number(); break;
                    case "--batch-size": batchSize = Number(); break;
                    case "--warmup": warmup = Number(); break;
                    case "--brokers": brokers = Number(); break;
                    case "--partitions": partitions = Number(); break;
                    case "--json": json = Value(); break;
                    default: throw new ArgumentException($"unknown argument '{args[i]}'");
                }
            }

            if (runs < 1 || records.Length == 0 || records.Any(r => r < 1) || compressions.Length == 0 || clients.Length == 0)
            {
                throw new ArgumentException("--runs, --records, --compression and --clients need at least one value (records at least 1)");
            }

            if (clients.FirstOrDefault(c => !ProducePeers.Known.Contains(c)) is { } unknown)
            {
                throw new ArgumentException($"unknown client '{unknown}' (known: {string.Join(", ", ProducePeers.Known)})");
            }

            var workloads = records.Order().SelectMany(r => compressions.Select(c => new ProduceWorkload(r, valueBytes, c))).ToList();
            return new Options(workloads, clients.Distinct().ToList(), runs, acks, lingerMs, batchSize, warmup, brokers, partitions, json);
        }
    }
}
