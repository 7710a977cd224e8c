using System.Runtime.CompilerServices;

namespace RxKafka.Tests;

/// <summary>
/// Several tests with real threads block thread-pool threads on purpose (a barrier that holds two read
/// loops at once, a delivery callback held until other partitions are delivered). On a 2-core machine the
/// pool starts with 2 worker threads and adds about one every half second while starved, so with the
/// rest of the suite running beside them such tests could spend their whole budget waiting for a thread
/// (seen in a CI run: the two-connection test waited 20 s). The library itself never blocks pool threads;
/// the tests do, so the tests raise the pool's floor.
/// </summary>
internal static class TestThreadPool
{
    [ModuleInitializer]
    internal static void RaiseMinimumThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
