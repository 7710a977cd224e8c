using System.Reactive.Concurrency;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// The state a classic group coordinator keeps for one group (Kafka's ClassicGroup): members in join order,
// the generation, the chosen protocol, the leader, the members it asked to rejoin with a new id, and its
// timers. Every member and method is used under the cluster's lock.
internal sealed class ScriptedClassicGroup(string groupId)
{
    public string GroupId { get; } = groupId;

    public ScriptedGroupState State { get; private set; } = ScriptedGroupState.Empty;

    public ScriptedGroupState PreviousState { get; private set; } = ScriptedGroupState.Empty;

    public int GenerationId { get; set; }

    public string? ProtocolType { get; set; }

    public string? ProtocolName { get; set; }

    public string? LeaderId { get; set; }

    public List<ScriptedClassicMember> Members { get; } = new();

    // Member ids handed out with MEMBER_ID_REQUIRED (JoinGroup v4+) that have not joined with them yet.
    public HashSet<string> PendingMembers { get; } = new(StringComparer.Ordinal);

    // Members that got the join response of this generation and have not sent SyncGroup yet.
    public HashSet<string> PendingSyncMembers { get; } = new(StringComparer.Ordinal);

    // Per member id (pending members too): when its session, or a new member's join, runs out.
    public Dictionary<string, ScriptedTimer> SessionTimers { get; } = new(StringComparer.Ordinal);

    public ScriptedTimer JoinTimer { get; } = new();

    public ScriptedTimer SyncTimer { get; } = new();

    // Set when a member joins during the initial rebalance, which then waits another delay (KIP-134).
    public bool NewMemberAdded { get; set; }

    // Numbers the member ids this group hands out, so the same script gives the same ids.
    public int MemberIdsIssued { get; set; }

    public bool IsEmpty => Members.Count == 0;

    public bool HasAllMembersJoined => Members.TrueForAll(m => m.AwaitingJoin is not null) && PendingMembers.Count == 0;

    // The group's rebalance timeout is the longest of its members'.
    public int RebalanceTimeoutMs => Members.Count == 0 ? 0 : Members.Max(m => m.RebalanceTimeoutMs);

    public bool CanRebalance => State is ScriptedGroupState.Stable or ScriptedGroupState.CompletingRebalance or ScriptedGroupState.Empty;

    public void TransitionTo(ScriptedGroupState state) => (PreviousState, State) = (State, state);

    public ScriptedClassicMember? Member(string memberId) => Members.Find(m => m.MemberId == memberId);

    public ScriptedClassicMember? StaticMember(string instanceId) => Members.Find(m => m.GroupInstanceId == instanceId);

    public bool IsLeader(string memberId) => LeaderId == memberId;

    public void Add(ScriptedClassicMember member)
    {
        if (Members.Count == 0)
        {
            ProtocolType = member.ProtocolType;
        }

        Members.Add(member);
        PendingMembers.Remove(member.MemberId);
        LeaderId ??= member.MemberId;
    }

    // A member leaves; the next member in join order leads if it led.
    public void Remove(string memberId)
    {
        Members.RemoveAll(m => m.MemberId == memberId);
        PendingMembers.Remove(memberId);
        PendingSyncMembers.Remove(memberId);
        if (SessionTimers.Remove(memberId, out var timer))
        {
            timer.Cancel();
        }

        if (LeaderId == memberId)
        {
            LeaderId = Members.Count > 0 ? Members[0].MemberId : null;
        }
    }

    // Whether a member with these protocols could join: any protocol of a non-empty list, of a non-empty type,
    // in an empty group; else the group's type and a protocol every member supports.
    public bool SupportsProtocols(string protocolType, IReadOnlyCollection<string> protocols)
    {
        if (State == ScriptedGroupState.Empty)
        {
            return protocolType.Length > 0 && protocols.Count > 0;
        }

        return ProtocolType == protocolType && protocols.Any(p => Members.TrueForAll(m => m.Supports(p)));
    }

    // Each member votes for its most preferred protocol that every member supports; the most votes win, a tie
    // going to the protocol voted for first in join order (Kafka leaves ties to a hash map's order).
    public string SelectProtocol()
    {
        var candidates = Members[0].Protocols.Select(p => p.Name).Where(p => Members.TrueForAll(m => m.Supports(p))).ToHashSet(StringComparer.Ordinal);
        var votes = Members.Select(m => m.Protocols.First(p => candidates.Contains(p.Name)).Name).ToList();
        return votes.GroupBy(v => v, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => votes.IndexOf(g.Key))
            .First().Key;
    }
}

// One member of a classic group (Kafka's ClassicGroupMember).
internal sealed class ScriptedClassicMember(string memberId, string? groupInstanceId, string clientId, string protocolType)
{
    public string MemberId { get; set; } = memberId;

    public string? GroupInstanceId { get; } = groupInstanceId;

    public string ClientId { get; } = clientId;

    public string ProtocolType { get; } = protocolType;

    public List<(string Name, byte[] Metadata)> Protocols { get; set; } = new();

    public int RebalanceTimeoutMs { get; set; }

    public int SessionTimeoutMs { get; set; }

    public byte[] Assignment { get; set; } = [];

    // A member that has not yet been through a completed join phase: its session is not satisfied by waiting.
    public bool IsNew { get; set; }

    public ScriptedHeldReply? AwaitingJoin { get; set; }

    public ScriptedHeldReply? AwaitingSync { get; set; }

    public bool Supports(string protocol) => Protocols.Exists(p => p.Name == protocol);

    public byte[] Metadata(string? protocol) => Protocols.Find(p => p.Name == protocol).Metadata ?? [];

    // The same protocols, in the same order, with the same metadata: a rejoin that changes nothing.
    public bool Matches(IReadOnlyList<JoinGroupRequest.JoinGroupRequestProtocol> protocols) =>
        protocols.Count == Protocols.Count
        && protocols.Select((p, i) => p.Name == Protocols[i].Name && p.Metadata.AsSpan().SequenceEqual(Protocols[i].Metadata)).All(same => same);

    // Waiting for a rebalance counts as a heartbeat, except for a member that never completed a join.
    public bool HasSatisfiedHeartbeat => !IsNew && (AwaitingJoin is not null || AwaitingSync is not null);
}

// A JoinGroup or SyncGroup answer the coordinator holds back until the rebalance gets there (Kafka parks the
// request in a purgatory). The broker hands over how to write it (Attach) once the request is parked; the answer
// may come before that (under real threads), so whichever comes second writes it, on the scheduler, never on
// the thread that holds the cluster's lock.
internal sealed class ScriptedHeldReply(short version)
{
    private Action<KafkaResponse>? _write;
    private TimeSpan _delay;
    private IScheduler? _scheduler;

    public short Version { get; } = version;

    public KafkaResponse? Answer { get; private set; }

    // A request this one replaced (the same member joining again while its first join was held): it gets the
    // same answer rather than hanging, since it holds back every later answer on its connection.
    public ScriptedHeldReply? Replaced { get; set; }

    public void Attach(IScheduler scheduler, TimeSpan delay, Action<KafkaResponse> write)
    {
        if (Answer is { } answer)
        {
            scheduler.Schedule(delay, () => write(answer));
            return;
        }

        (_scheduler, _delay, _write) = (scheduler, delay, write);
    }

    public void Complete(KafkaResponse answer)
    {
        if (Answer is not null)
        {
            return;
        }

        Answer = answer;
        if (_write is { } write)
        {
            _scheduler!.Schedule(_delay, () => write(answer));
        }

        Replaced?.Complete(answer);
    }
}

// A timer on the scheduler that can be moved or cancelled; a firing that was cancelled meanwhile (real threads)
// does nothing. Used under the cluster's lock; the action runs under it too.
internal sealed class ScriptedTimer
{
    private IDisposable? _handle;
    private int _epoch;

    public bool IsScheduled => _handle is not null;

    public void Schedule(IScheduler scheduler, object gate, TimeSpan after, Action action)
    {
        Cancel();
        var epoch = _epoch;
        _handle = scheduler.Schedule(after, () =>
        {
            lock (gate)
            {
                if (epoch != _epoch)
                {
                    return;
                }

                _handle = null;
                action();
            }
        });
    }

    public void Cancel()
    {
        _epoch++;
        _handle?.Dispose();
        _handle = null;
    }
}
