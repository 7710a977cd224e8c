using System.Reactive.Linq;
using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Tests.Cluster;

/// <summary>ClusterView with real threads: notifications are serialised and in order, but a subscriber that blocks never blocks an update.</summary>
public sealed class ClusterViewConcurrencyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static MetadataResponse OneBroker() => new() { Brokers = [new() { NodeId = 1, Host = "broker-1", Port = 9092 }] };

    [Fact]
    public async Task M3_a_subscriber_that_blocks_holds_up_notifications_but_not_updates()
    {
        using var view = new ClusterView(ClusterSnapshot.Empty);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var seen = new List<long>();
        using var subscription = view.Snapshots.Skip(1).Subscribe(s =>
        {
            seen.Add(s.Generation);
            if (s.Generation == 1)
            {
                entered.Set();
                release.Wait(Deadline);
            }
        });

        var first = Task.Run(() => view.Update(s => s.Apply(OneBroker(), DateTimeOffset.UnixEpoch)), TestContext.Current.CancellationToken);
        Assert.True(entered.Wait(Deadline, TestContext.Current.CancellationToken));
        var second = Task.Run(() => view.Update(s => s.Apply(OneBroker(), DateTimeOffset.UnixEpoch)), TestContext.Current.CancellationToken);

        // The second update is applied and returns while the first one's subscriber is still blocked.
        Assert.Equal(2, (await second.WaitAsync(Deadline, TestContext.Current.CancellationToken)).Generation);
        Assert.Equal(2, view.Current.Generation);
        Assert.Equal([1L], seen);

        release.Set();
        await first.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        Assert.Equal([1L, 2L], seen); // the queued notification follows, in order, on the thread that was emitting
    }

    [Fact]
    public void M4_an_updates_changes_are_emitted_before_its_snapshot_and_Current_is_already_new()
    {
        using var view = new ClusterView(ClusterSnapshot.Empty);
        var order = new List<string>();
        using var changes = view.Changes.Subscribe(c => order.Add($"change {c.GetType().Name}, current generation {view.Current.Generation}"));
        using var snapshots = view.Snapshots.Skip(1).Subscribe(s => order.Add($"snapshot {s.Generation}"));

        view.Update(s => s.Apply(OneBroker(), DateTimeOffset.UnixEpoch));

        Assert.Equal(["change BrokerAdded, current generation 1", "snapshot 1"], order);
    }

    [Fact]
    public void M3_an_update_made_by_a_subscriber_is_emitted_after_the_current_notification_not_inside_it()
    {
        using var view = new ClusterView(ClusterSnapshot.Empty);
        var log = new List<string>();
        using var subscription = view.Snapshots.Skip(1).Subscribe(s =>
        {
            log.Add($"begin {s.Generation}");
            if (s.Generation == 1)
            {
                view.Update(x => x.Apply(OneBroker(), DateTimeOffset.UnixEpoch));
            }

            log.Add($"end {s.Generation}");
        });

        view.Update(s => s.Apply(OneBroker(), DateTimeOffset.UnixEpoch));

        Assert.Equal(["begin 1", "end 1", "begin 2", "end 2"], log);
    }
}
