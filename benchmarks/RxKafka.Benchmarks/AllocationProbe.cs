using RxKafka.Network;

namespace RxKafka.Benchmarks;

/// <summary>
/// A quick allocation count without BenchmarkDotNet (<c>dotnet run -c Release -- alloc</c>): many
/// one-at-a-time round trips over <see cref="EchoBroker"/>, which answer inline on this thread, so
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> sees every byte the client allocates per request
/// (timer callbacks on other threads excepted; the total across threads is printed too).
/// </summary>
internal static class AllocationProbe
{
    public static async Task RunAsync(bool types)
    {
        await using var connection = await KafkaConnection.ConnectAsync(
            new BrokerEndpoint("broker", 9092), new EchoBroker());
        const int Warmup = 20_000, Count = 100_000;
        for (var i = 0; i < Warmup; i++)
        {
            RoundTrips.Metadata(connection).GetAwaiter().GetResult();
            RoundTrips.Heartbeat(connection).GetAwaiter().GetResult();
        }

        Measure("Metadata (one at a time)", Count, () => RoundTrips.Metadata(connection).GetAwaiter().GetResult());
        Measure("Heartbeat (one at a time)", Count, () => RoundTrips.Heartbeat(connection).GetAwaiter().GetResult());
        Measure("Metadata (pipelined 1000)", Count, () => { }, batch: () => RoundTrips.Pipelined(connection, 1000).GetAwaiter().GetResult());
        // As async code sends: each request awaited on the thread pool, one at a time.
        Measure("Metadata (awaited in turn)", Count, () => { }, batch: () => Task.Run(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await RoundTrips.Metadata(connection).ConfigureAwait(false);
            }
        }).GetAwaiter().GetResult());
        if (types)
        {
            // Sampling slows the loop down, so it runs after the timed passes.
            using var sampler = new AllocationSampler { Enabled = true };
            for (var i = 0; i < Count * 3; i++)
            {
                RoundTrips.Heartbeat(connection).GetAwaiter().GetResult();
            }

            Console.WriteLine("Heartbeat allocations by type (sampled):");
            sampler.Print(Count * 3);
        }
    }

    private static void Measure(string name, int count, Action once, Action? batch = null)
    {
        // A fifth of the count untimed first: each case is measured warm, whatever ran before it.
        Run(count / 5, once, batch);
        var thread = GC.GetAllocatedBytesForCurrentThread();
        var total = GC.GetTotalAllocatedBytes(precise: true);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Run(count, once, batch);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        thread = GC.GetAllocatedBytesForCurrentThread() - thread;
        total = GC.GetTotalAllocatedBytes(precise: true) - total;
        Console.WriteLine($"{name,-28} {elapsed.TotalMicroseconds / count,8:F2} us/request  {(double)thread / count,8:F0} B/request (this thread)  {(double)total / count,8:F0} B/request (all threads)");
    }

    private static void Run(int count, Action once, Action? batch)
    {
        if (batch is null)
        {
            for (var i = 0; i < count; i++)
            {
                once();
            }
        }
        else
        {
            for (var i = 0; i < count / 1000; i++)
            {
                batch();
            }
        }
    }
}

/// <summary>
/// Which types the allocations are: the runtime's AllocationTick event samples one allocation about
/// every 100 KB, so over many requests the sample counts are proportional to bytes per type.
/// </summary>
internal sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, long> _bytes = new();

    public bool Enabled { get; set; }

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (!Enabled || e.EventName != "GCAllocationTick_V4" || e.Payload is null)
        {
            return;
        }

        var name = (string)e.Payload[e.PayloadNames!.IndexOf("TypeName")]!;
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")]);
        lock (_bytes)
        {
            _bytes[name] = _bytes.GetValueOrDefault(name) + amount;
        }
    }

    public void Print(int requests)
    {
        lock (_bytes)
        {
            var total = _bytes.Values.Sum();
            foreach (var (name, bytes) in _bytes.OrderByDescending(p => p.Value).Take(30))
            {
                Console.WriteLine($"  {bytes * 100.0 / total,5:F1}%  ~{(double)bytes / requests,6:F0} B/request  {name}");
            }

            _bytes.Clear();
        }
    }
}
