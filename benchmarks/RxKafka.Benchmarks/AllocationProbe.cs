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
    public static async Task RunAsync()
    {
        await using var connection = await KafkaConnection.ConnectAsync(
            new BrokerEndpoint("broker", 9092), new EchoBroker(), new ConnectionOptions { MaxIdle = Timeout.InfiniteTimeSpan });
        const int Warmup = 20_000, Count = 100_000;
        for (var i = 0; i < Warmup; i++)
        {
            RoundTrips.Metadata(connection).GetAwaiter().GetResult();
            RoundTrips.Heartbeat(connection).GetAwaiter().GetResult();
        }

        Measure("Metadata (one at a time)", Count, () => RoundTrips.Metadata(connection).GetAwaiter().GetResult());
        Measure("Heartbeat (one at a time)", Count, () => RoundTrips.Heartbeat(connection).GetAwaiter().GetResult());
        Measure("Metadata (pipelined 1000)", Count, () => { }, batch: () => RoundTrips.Pipelined(connection, 1000).GetAwaiter().GetResult());
    }

    private static void Measure(string name, int count, Action once, Action? batch = null)
    {
        var thread = GC.GetAllocatedBytesForCurrentThread();
        var total = GC.GetTotalAllocatedBytes(precise: true);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
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

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        thread = GC.GetAllocatedBytesForCurrentThread() - thread;
        total = GC.GetTotalAllocatedBytes(precise: true) - total;
        Console.WriteLine($"{name,-28} {elapsed.TotalMicroseconds / count,8:F2} us/request  {(double)thread / count,8:F0} B/request (this thread)  {(double)total / count,8:F0} B/request (all threads)");
    }
}
