using RxKafka.Cluster;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Testing;

/// <summary>The scripted cluster's classic groups as DescribeGroups, ListGroups and the test hooks show them, in virtual time.</summary>
public sealed class ScriptedClusterGroupsDescribeTests : ScriptedClusterGroupsTestBed
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void DescribeGroups_shows_state_protocol_and_members_with_metadata_and_assignments_once_stable(short version)
    {
        var members = StableGroup(["a", "b"], [null, "static-b"]);
        Cluster.SetCoordinator(CoordinatorType.Group, "unknown", 1);
        var connection = members[0].Connection;

        var described = Ask(connection, new DescribeGroupsRequest { Groups = [G, "unknown"] }, version).Groups;

        var g = described[0];
        Assert.Equal((ErrorCode.None, "Stable", "consumer", "range"), (Error(g.ErrorCode), g.GroupState, g.ProtocolType, g.ProtocolData));
        Assert.Equal(["a-1/a/1/0", "static-b-2/b/1/1"], g.Members.Select(m => $"{m.MemberId}/{m.ClientId}/{m.MemberMetadata[0]}/{m.MemberAssignment[0]}"));
        Assert.Equal(version >= 4 ? "static-b" : null, g.Members[1].GroupInstanceId);
        Assert.All(g.Members, m => Assert.Equal("/127.0.0.1", m.ClientHost));
        Assert.Equal((ErrorCode.None, "Dead"), (Error(described[1].ErrorCode), described[1].GroupState));
        Assert.Empty(described[1].Members);

        // While rebalancing: no protocol, no metadata or assignment.
        Cluster.RebalanceGroup(G);
        var rebalancing = Ask(connection, new DescribeGroupsRequest { Groups = [G] }, version).Groups[0];
        Assert.Equal(("PreparingRebalance", ""), (rebalancing.GroupState, rebalancing.ProtocolData));
        Assert.All(rebalancing.Members, m => Assert.Empty(m.MemberAssignment));
    }

    [Fact]
    public void DescribeGroup_gives_tests_the_state_generation_leader_members_and_assignments()
    {
        Assert.Null(Cluster.DescribeGroup(G));
        StableGroup(["a", "b"], [null, "static-b"]);

        var group = Group;
        Assert.Equal((G, ScriptedGroupState.Stable, 1, "consumer", "range", "a-1"), (group.GroupId, group.State, group.GenerationId, group.ProtocolType, group.ProtocolName, group.LeaderId));
        var b = group.Members[1];
        Assert.Equal(("static-b-2", "static-b", "b", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)), (b.MemberId, b.GroupInstanceId, b.ClientId, b.SessionTimeout, b.RebalanceTimeout));
        Assert.Equal(["range"], b.Protocols);
        Assert.Equal([1], b.Assignment.ToArray());
        Assert.False(b.AwaitingJoin || b.AwaitingSync);
        Assert.Equal([G], Cluster.GroupIds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void ListGroups_lists_the_groups_a_broker_coordinates_with_state_and_type_from_the_versions_that_have_them(short version)
    {
        StableGroup(["a"]);
        Cluster.SetCoordinator(CoordinatorType.Group, "offsets-only", 1);
        Cluster.SetCoordinator(CoordinatorType.Group, "elsewhere", 2);
        var connection = Client("admin");
        foreach (var group in new[] { "offsets-only", "elsewhere" })
        {
            var commit = new OffsetCommitRequest { GroupId = group, GenerationIdOrMemberEpoch = -1, Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 1 }] }] };
            Ask(group == "elsewhere" ? Client("admin", nodeId: 2) : connection, commit, 8);
        }

        var listed = Ask(connection, new ListGroupsRequest(), version).Groups;

        Assert.Equal(["g/consumer", "offsets-only/"], listed.Select(l => $"{l.GroupId}/{l.ProtocolType}"));
        if (version >= 4)
        {
            Assert.Equal(["Stable", "Empty"], listed.Select(l => l.GroupState));
            Assert.Equal(["offsets-only"], Ask(connection, new ListGroupsRequest { StatesFilter = ["empty"] }, version).Groups.Select(l => l.GroupId));
            Assert.Equal(["g"], Ask(connection, new ListGroupsRequest { StatesFilter = ["Stable", "PreparingRebalance"] }, version).Groups.Select(l => l.GroupId));
        }

        if (version >= 5)
        {
            Assert.All(listed, l => Assert.Equal("classic", l.GroupType));
            Assert.Equal(2, Ask(connection, new ListGroupsRequest { TypesFilter = ["Classic"] }, version).Groups.Count);
            Assert.Empty(Ask(connection, new ListGroupsRequest { TypesFilter = ["consumer"] }, version).Groups);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void DeleteGroups_deletes_an_empty_group_with_its_offsets_and_refuses_one_with_members(short version)
    {
        var members = StableGroup(["a"]);
        Cluster.SetCoordinator(CoordinatorType.Group, "idle", 1);
        Cluster.SetCoordinator(CoordinatorType.Group, "elsewhere", 2);
        var admin = Client("admin");
        var commit = new OffsetCommitRequest { GroupId = "idle", GenerationIdOrMemberEpoch = -1, Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 5 }] }] };
        Ask(admin, commit, 8);

        var results = Ask(admin, new DeleteGroupsRequest { GroupsNames = [G, "idle", "unknown", "elsewhere", ""] }, version).Results;

        Assert.Equal(
            [ErrorCode.NonEmptyGroup, ErrorCode.None, ErrorCode.NotCoordinator, ErrorCode.NotCoordinator, ErrorCode.InvalidGroupId],
            results.Select(r => Error(r.ErrorCode)));
        Assert.Null(Cluster.DescribeGroup("idle"));
        Assert.Null(Cluster.CommittedOffset("idle", "t", 0));
        Assert.Equal("Dead", Ask(admin, new DescribeGroupsRequest { Groups = ["idle"] }, 5).Groups[0].GroupState);

        // Once its last member left, the group can go too; a group never seen is GROUP_ID_NOT_FOUND.
        Ask(members[0].Connection, new LeaveGroupRequest { GroupId = G, MemberId = members[0].Id }, 1);
        Cluster.SetCoordinator(CoordinatorType.Group, "unknown", 1);
        Assert.Equal(
            [ErrorCode.None, ErrorCode.GroupIdNotFound],
            Ask(admin, new DeleteGroupsRequest { GroupsNames = [G, "unknown"] }, version).Results.Select(r => Error(r.ErrorCode)));
        Assert.Equal([], Cluster.GroupIds);
    }

    [Fact]
    public void Moving_the_coordinator_answers_held_joins_NOT_COORDINATOR_and_the_new_one_carries_on()
    {
        var members = StableGroup(["a", "b"]);
        var rejoin = Send(members[0].Connection, Join(members[0].Id), 5);
        AdvanceMs(1);

        Cluster.MoveGroupCoordinator(G, 2);
        Settle(null, rejoin);

        Assert.Equal(ErrorCode.NotCoordinator, Error(Done(rejoin).ErrorCode));
        Assert.Equal(ErrorCode.NotCoordinator, Error(Ask(members[1].Connection, Beat(members[1]), 3).ErrorCode));
        var there = Client("a", nodeId: 2);
        Assert.Equal(ErrorCode.RebalanceInProgress, Error(Ask(there, Beat(members[0]), 3).ErrorCode));
        Assert.Equal(2, Cluster.Coordinator(CoordinatorType.Group, G));
    }
}
