using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Reactive;

namespace RxKafka.Tests.Client;

/// <summary>
/// K3 with real threads: force requests from several threads while updates succeed and fail, at once or
/// a little later, on other threads. Every waiter must hear an outcome, and updates must never overlap.
/// (A virtual-time test runs everything on one thread and cannot find what a race loses.)
/// </summary>
public sealed class MetadataSynchronizerRealThreadTests
{
    [Fact]
    public async Task K3_every_force_from_any_thread_gets_an_outcome_and_updates_never_overlap()
    {
        var running = 0;
        var overlaps = 0;
        var updates = 0;
        var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));

        IObservable<ClusterSnapshot> Update(MetadataUpdateReason reason) => Observable.Defer(() =>
        {
            if (Interlocked.Increment(ref running) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            Interlocked.Increment(ref updates);
            var outcome = random.Value!.Next(4) switch
            {
                0 => Observable.Return(ClusterSnapshot.Empty),
                1 => Observable.Throw<ClusterSnapshot>(new KafkaConnectionException("no broker answered", [])),
                2 => Observable.Timer(TimeSpan.FromMilliseconds(random.Value.Next(3))).Select(_ => ClusterSnapshot.Empty),
                _ => Observable.Timer(TimeSpan.FromMilliseconds(random.Value.Next(3))).SelectMany(_ => Observable.Throw<ClusterSnapshot>(new KafkaConnectionException("no broker answered", []))),
            };
            return outcome.Finally(() => Interlocked.Decrement(ref running));
        });

        var retry = new BackoffOptions { Base = TimeSpan.FromMilliseconds(1), Max = TimeSpan.FromMilliseconds(4), JitterFactor = 0 };
        using var synchronizer = new MetadataSynchronizer(Update, TimeSpan.FromMilliseconds(20), new Backoff(retry), DefaultScheduler.Instance);
        var waits = await Task.WhenAll(Enumerable.Range(0, 4).Select(thread => Task.Run(async () =>
        {
            var outcomes = new List<Task>();
            for (var i = 0; i < 300; i++)
            {
                outcomes.Add(synchronizer.Force(MetadataUpdateReason.Forced).ToTask());
                if (i % 3 == 0)
                {
                    synchronizer.Trigger(MetadataUpdateReason.TrackedTopicsChanged);
                }

                if (random.Value!.Next(8) == 0)
                {
                    await Task.Yield();
                }
            }

            return outcomes;
        })));

        var all = waits.SelectMany(w => w).ToArray();
        var done = Task.WhenAll(all.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        var finished = await Task.WhenAny(done, Task.Delay(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken)) == done;
        Assert.True(finished, $"{all.Count(t => !t.IsCompleted)} of {all.Length} force requests heard nothing after {updates} updates; {synchronizer.Describe()}");
        Assert.Equal(0, overlaps);
    }

    [Fact]
    public async Task K3_a_timer_that_fires_while_an_update_disarms_it_does_not_deadlock_the_pipeline()
    {
        // Max age 0: every update's outcome arms a timer that ticks at once, so the timer keeps firing on
        // pool threads while updates (which disarm it first) start from the forcing threads. The timer
        // was once a Switch re-armed from inside the pipeline: the pipeline held Merge's lock and wanted
        // Switch's, a firing timer held Switch's and wanted Merge's.
        var updates = 0;
        IObservable<ClusterSnapshot> Update(MetadataUpdateReason reason) => Observable.Defer(() =>
        {
            Interlocked.Increment(ref updates);
            return Observable.Return(ClusterSnapshot.Empty);
        });

        var retry = new BackoffOptions { Base = TimeSpan.FromMilliseconds(1), Max = TimeSpan.FromMilliseconds(1), JitterFactor = 0 };
        using var synchronizer = new MetadataSynchronizer(Update, TimeSpan.Zero, new Backoff(retry), DefaultScheduler.Instance);
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<Task>();
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                outcomes.Add(synchronizer.Force(MetadataUpdateReason.Forced).ToTask());
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        var joined = threads.All(t => t.Join(TimeSpan.FromSeconds(20)));
        Assert.True(joined, $"the forcing threads are stuck after {updates} updates; {synchronizer.Describe()}");

        var all = outcomes.ToArray();
        var done = Task.WhenAll(all.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        var finished = await Task.WhenAny(done, Task.Delay(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken)) == done;
        Assert.True(finished, $"{all.Count(t => !t.IsCompleted)} of {all.Length} force requests heard nothing after {updates} updates; {synchronizer.Describe()}");
    }
}
