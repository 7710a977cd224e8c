using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// SyncGroup at any version 0-5: the leader's assignment handed to every member of the generation. A member's
// SyncGroup is held until the leader's arrives; in a stable group it gets its assignment at once.
public sealed partial class ScriptedCluster
{
    private BrokerReply AnswerSyncGroup(int nodeId, ReceivedRequest received)
    {
        var (request, version) = ((SyncGroupRequest)received.Request, received.Version);
        lock (_gate)
        {
            var error = GroupRequestError(nodeId, request.GroupId);
            if (error != ErrorCode.None)
            {
                return BrokerReply.Respond(SyncError(error));
            }

            if (!_groups.TryGetValue(request.GroupId, out var group) || group.IsEmpty)
            {
                return BrokerReply.Respond(SyncError(ErrorCode.UnknownMemberId));
            }

            error = ValidateMember(group, request.MemberId, version >= 3 ? request.GroupInstanceId : null);
            if (error == ErrorCode.None && request.GenerationId != group.GenerationId)
            {
                error = ErrorCode.IllegalGeneration;
            }

            // v5 names the protocol type and name the member was told: they must be the group's.
            if (error == ErrorCode.None && version >= 5 && (Differs(request.ProtocolType, group.ProtocolType) || Differs(request.ProtocolName, group.ProtocolName)))
            {
                error = ErrorCode.InconsistentGroupProtocol;
            }

            if (error == ErrorCode.None && group.State == ScriptedGroupState.PreparingRebalance)
            {
                error = ErrorCode.RebalanceInProgress;
            }

            if (error != ErrorCode.None)
            {
                return BrokerReply.Respond(SyncError(error));
            }

            var member = group.Member(request.MemberId)!;
            group.PendingSyncMembers.Remove(member.MemberId);
            if (group.PendingSyncMembers.Count == 0)
            {
                group.SyncTimer.Cancel();
            }

            if (group.State == ScriptedGroupState.Stable)
            {
                return BrokerReply.Respond(SyncAnswer(group, member));
            }

            var held = new ScriptedHeldReply(version) { Replaced = member.AwaitingSync };
            member.AwaitingSync = held;
            if (group.IsLeader(member.MemberId))
            {
                // Members the leader left out get an empty assignment.
                var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (var assignment in request.Assignments)
                {
                    assignments[assignment.MemberId] = assignment.Assignment;
                }

                group.Members.ForEach(m => m.Assignment = assignments.GetValueOrDefault(m.MemberId) ?? []);
                PropagateAssignmentLocked(group, ErrorCode.None);
                group.TransitionTo(ScriptedGroupState.Stable);
            }

            return held.Answer is { } answer
                ? BrokerReply.Respond(answer)
                : new BrokerReply.DeferredReply((delay, write) => Attach(held, delay, write), TimeSpan.Zero);
        }
    }

    // Kafka's check: only two names given on both sides can disagree.
    private static bool Differs(string? asked, string? held) => asked is not null && held is not null && asked != held;
}
