using System.Reactive.Threading.Tasks;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Testing;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>
/// What the scripted cluster's group tests share: group "g" coordinated by broker 1, one connection per member
/// (a held JoinGroup holds back every later answer on its connection, as on Kafka's muted channel), requests
/// that are answered later, and a group brought to Stable in one call.
/// </summary>
public abstract class ScriptedClusterGroupsTestBed : ScriptedClusterTestBed
{
    protected const string G = "g";
    protected const int SessionMs = 10_000;
    protected const int RebalanceMs = 20_000;

    protected ScriptedClusterGroupsTestBed()
    {
        Cluster.SetCoordinator(CoordinatorType.Group, G, 1);
    }

    /// <summary>A member's handle in a test: its connection, member id, generation and instance id.</summary>
    protected sealed record Member(KafkaConnection Connection, string Id, int Generation, string? InstanceId);

    /// <summary>A connection to the coordinator sending <paramref name="clientId"/>, with timeouts longer than any rebalance here.</summary>
    protected KafkaConnection Client(string clientId, int nodeId = 1)
    {
        var options = new ConnectionOptions { Scheduler = Scheduler, ClientId = clientId, RequestTimeout = TimeSpan.FromHours(1), MaxIdle = Timeout.InfiniteTimeSpan };
        var task = KafkaConnection.ConnectAsync(Cluster.Endpoint(nodeId), Cluster, options);
        Assert.True(Scheduler.AdvanceUntilCompleted(task, Budget), $"connecting {clientId} did not finish");
        return task.Result;
    }

    /// <summary>Sends a request without advancing the clock: the answer comes when the test advances it.</summary>
    protected static Task<TResponse> Send<TResponse>(KafkaConnection connection, KafkaRequest<TResponse> request, short version)
        where TResponse : KafkaResponse => connection.Send(request, version).ToTask();

    /// <summary>Advances the clock until every task is answered (within <paramref name="budget"/>, one second unless given).</summary>
    protected void Settle(TimeSpan? budget = null, params Task[] tasks) =>
        Assert.True(Scheduler.AdvanceUntilCompleted(Task.WhenAll(tasks), budget ?? Budget), "not every request was answered");

    /// <summary>The answer of a request that must have been answered by now.</summary>
    protected static TResponse Done<TResponse>(Task<TResponse> task)
    {
        Assert.True(task.IsCompletedSuccessfully, $"the request was not answered: {task.Status}");
        return task.Result;
    }

    protected void AdvanceMs(long milliseconds) => Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(milliseconds).Ticks);

    protected ScriptedGroupDescription Group => Cluster.DescribeGroup(G) ?? throw new InvalidOperationException("no group g");

    protected static JoinGroupRequest Join(string memberId = "", string? instanceId = null, int sessionMs = SessionMs, int rebalanceMs = RebalanceMs, string protocolType = "consumer", params (string Name, byte[] Metadata)[] protocols) => new()
    {
        GroupId = G,
        MemberId = memberId,
        GroupInstanceId = instanceId,
        SessionTimeoutMs = sessionMs,
        RebalanceTimeoutMs = rebalanceMs,
        ProtocolType = protocolType,
        Protocols = (protocols.Length == 0 ? [("range", [1])] : protocols).Select(p => new JoinGroupRequest.JoinGroupRequestProtocol { Name = p.Name, Metadata = p.Metadata }).ToList(),
    };

    protected static SyncGroupRequest Sync(Member member, params (Member Member, byte[] Assignment)[] assignments) => new()
    {
        GroupId = G,
        GenerationId = member.Generation,
        MemberId = member.Id,
        GroupInstanceId = member.InstanceId,
        Assignments = assignments.Select(a => new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = a.Member.Id, Assignment = a.Assignment }).ToList(),
    };

    protected static HeartbeatRequest Beat(Member member, int? generation = null) => new()
    {
        GroupId = G,
        GenerationId = generation ?? member.Generation,
        MemberId = member.Id,
        GroupInstanceId = member.InstanceId,
    };

    protected static ErrorCode Error(short code) => (ErrorCode)code;

    /// <summary>
    /// Brings group g to Stable at JoinGroup v5 / SyncGroup v3 with one member per client id (static when
    /// <paramref name="instanceIds"/> says so): the first leads and assigns byte [i] to member i.
    /// </summary>
    protected Member[] StableGroup(string[] clientIds, string?[]? instanceIds = null)
    {
        var connections = clientIds.Select(c => Client(c)).ToArray();
        var ids = clientIds.Select((_, i) => instanceIds?[i] is null ? Ask(connections[i], Join(), 5).MemberId : "").ToArray();
        var joins = connections.Select((c, i) => Send(c, Join(ids[i], instanceIds?[i]), 5)).ToArray();
        Settle(null, joins);
        var members = joins.Select((j, i) => new Member(connections[i], j.Result.MemberId, j.Result.GenerationId, instanceIds?[i])).ToArray();
        var followers = members.Skip(1).Select(m => Send(m.Connection, Sync(m), 3)).ToArray();
        var leader = Send(members[0].Connection, Sync(members[0], members.Select((m, i) => (m, new[] { (byte)i })).ToArray()), 3);
        Settle(null, [leader, .. followers]);
        Assert.Equal(ScriptedGroupState.Stable, Group.State);
        return members;
    }
}
