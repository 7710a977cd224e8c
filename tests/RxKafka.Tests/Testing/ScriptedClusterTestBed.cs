using System.Reactive.Threading.Tasks;
using Microsoft.Reactive.Testing;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>
/// What the scripted cluster's request tests share: a cluster of three brokers in virtual time with
/// topic "t" (partitions 0, 1, 2 led by brokers 1, 2, 3), raw connections to its brokers, and a request
/// sent and answered by advancing the clock.
/// </summary>
public abstract class ScriptedClusterTestBed : ReactiveTest
{
    /// <summary>A CreateTime for records, in Unix milliseconds.</summary>
    protected const long Time0 = 1_700_000_000_000;

    /// <summary>How much virtual time an answer may take.</summary>
    protected static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    protected ScriptedClusterTestBed()
    {
        Cluster = new ScriptedCluster(Scheduler);
        Cluster.CreateTopic("t", partitions: 3); // leaders 1, 2, 3
    }

    protected TestScheduler Scheduler { get; } = new();

    protected ScriptedCluster Cluster { get; }

    /// <summary>A negotiated connection to broker <paramref name="nodeId"/>.</summary>
    protected KafkaConnection Connect(int nodeId = 1)
    {
        var task = KafkaConnection.ConnectAsync(Cluster.Endpoint(nodeId), Cluster, new ConnectionOptions { Scheduler = Scheduler });
        Assert.True(Scheduler.AdvanceUntilCompleted(task, Budget), $"connecting to broker {nodeId} did not finish");
        return task.Result;
    }

    /// <summary>Sends <paramref name="request"/> at <paramref name="version"/> and advances the clock until it is answered.</summary>
    protected TResponse Ask<TResponse>(KafkaConnection connection, KafkaRequest<TResponse> request, short version)
        where TResponse : KafkaResponse
    {
        var task = connection.Send(request, version).ToTask();
        Assert.True(Scheduler.AdvanceUntilCompleted(task, Budget), $"{request.ApiKey} v{version} got no answer");
        Assert.True(task.IsCompletedSuccessfully, $"{request.ApiKey} v{version} failed: {task.Exception?.InnerException?.Message}");
        return task.Result;
    }
}
