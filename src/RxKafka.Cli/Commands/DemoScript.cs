using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxKafka.Cli.Rendering;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.Testing.MockCluster;

namespace RxKafka.Cli.Commands;

/// <summary>One thing the demo does to the cluster, <see cref="At"/> after the script starts.</summary>
/// <param name="At">When, from the start of the script (before compression).</param>
/// <param name="Prepare">
/// Worked out just before the step runs (leaders move between steps): what it does, and the action,
/// which may return a remark to print (a lookup's answer).
/// </param>
internal sealed record DemoStep(TimeSpan At, Func<(string Text, Func<CancellationToken, Task<string?>> Act)> Prepare)
{
    /// <summary>A step whose action is synchronous and has nothing to remark.</summary>
    public static DemoStep Do(double atSeconds, Func<(string Text, Action Act)> prepare) => new(TimeSpan.FromSeconds(atSeconds), () =>
    {
        var (text, act) = prepare();
        return (text, _ =>
        {
            act();
            return Task.FromResult<string?>(null);
        });
    });
}

/// <summary>
/// The demo's script: leaders move, a broker goes down and comes back, a topic is created, a group
/// coordinator is looked up and moves, and a few records are produced and read back. Each step acts on the mock cluster; what the client sees of
/// it arrives on the change stream by itself (periodic updates, or at once for a broken connection).
/// </summary>
internal static class DemoScript
{
    /// <summary>How long the script runs at its own pace; the last step leaves time for the change to be seen.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromSeconds(20);

    /// <summary>The group whose coordinator the script looks up.</summary>
    public const string Group = "demo-group";

    /// <summary>The topic the script creates.</summary>
    public const string NewTopic = "shipments";

    /// <summary>The steps for <paramref name="cluster"/>, watched by <paramref name="client"/>.</summary>
    public static IReadOnlyList<DemoStep> Steps(MockKafkaCluster cluster, KafkaClient client, ChangeLog log)
    {
        var brokers = cluster.BrokerCount;
        var bounced = brokers;
        var replication = Math.Min(3, brokers);
        var secondCoordinator = Math.Min(2, brokers);

        // Leaders as the client sees them: the script moves a leader to the next broker in id order.
        int LeaderOf(string topic, int partition) => client.Snapshot.GetLeader(topic, partition) is > 0 and int leader ? leader : 1;
        int Next(int broker) => (broker % brokers) + 1;
        int Preferred(string topic, int partition) => client.Snapshot.GetPartition(topic, partition) is { Replicas: [var first, ..] } ? first : 1;

        DemoStep MoveLeader(double at, string topic, int partition, Func<int> target) => DemoStep.Do(at, () =>
        {
            var to = target();
            return ($"move the leader of {topic}-{partition} from broker {LeaderOf(topic, partition)} to broker {to}",
                () => cluster.SetPartitionLeader(topic, partition, to));
        });

        DemoStep LookUpCoordinator(double at, int broker, string verb) => new(TimeSpan.FromSeconds(at), () =>
            ($"{verb} the coordinator of group '{Group}' to broker {broker} and look it up (FindCoordinator)", async ct =>
            {
                cluster.SetCoordinator(MockCoordinatorType.Group, Group, broker);
                var found = await client.FindCoordinatorAsync(CoordinatorType.Group, Group, ct);
                return $"FindCoordinator: group '{Group}' is coordinated by broker {found}";
            }));

        return
        [
            MoveLeader(1, "orders", 0, () => Next(LeaderOf("orders", 0))),
            MoveLeader(3, "payments", 1, () => Next(LeaderOf("payments", 1))),
            DemoStep.Do(5, () => ($"take broker {bounced} down: its connections break, so the client updates at once (K5)", () => cluster.SetBrokerDown(bounced))),
            DemoStep.Do(9, () => ($"bring broker {bounced} back up: the next periodic update sees it", () => cluster.SetBrokerUp(bounced))),
            DemoStep.Do(11, () => ($"create topic {NewTopic} (4 partitions, replication factor {replication})", () => cluster.CreateTopic(NewTopic, 4, replication))),
            LookUpCoordinator(13, 1, "pin"),
            LookUpCoordinator(15, secondCoordinator, "move"),
            MoveLeader(17, "orders", 0, () => Preferred("orders", 0)),
            DemoRoundTrip.Step(18, client, log),
        ];
    }

    /// <summary>
    /// Plays <paramref name="steps"/> on <paramref name="scheduler"/>, each at <paramref name="start"/> plus its time
    /// times <paramref name="pace"/> (below 1 compresses the script), one after another, logging each
    /// step and its remark. A failing step is logged and the script goes on.
    /// </summary>
    public static IObservable<Unit> Play(IReadOnlyList<DemoStep> steps, DateTimeOffset start, double pace, ChangeLog log, IScheduler scheduler) =>
        steps.Select(step => Observable.Timer(start + step.At * pace, scheduler)
                .SelectMany(_ => Observable.FromAsync(ct => RunAsync(step, log, scheduler, ct))))
            .Concat();

    private static async Task<Unit> RunAsync(DemoStep step, ChangeLog log, IScheduler scheduler, CancellationToken cancellationToken)
    {
        try
        {
            var (text, act) = step.Prepare();
            log.Step(scheduler.Now, text);
            if (await act(cancellationToken) is { } remark)
            {
                log.Note(scheduler.Now, remark);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.Note(scheduler.Now, $"the step failed: {e.Message}");
        }

        return Unit.Default;
    }
}
