using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// ListGroups at any version 0-5: the groups a broker coordinates, filtered by state (v4+, KIP-518,
// case-insensitive) and type (v5+, KIP-848: "classic", or "consumer" for a KIP-848 group, whose states are Empty,
// Assigning, Reconciling and Stable).
public sealed partial class ScriptedCluster
{
    // What Kafka reports as a member's host: the in-memory and loopback clients have no other address.
    private const string ClientHost = "/127.0.0.1";

    private const string ClassicGroupType = "classic";

    // A KIP-848 group's type, and its protocol type as ListGroups reports it.
    private const string ConsumerGroupType = "consumer";

    private ListGroupsResponse AnswerListGroups(int nodeId, ListGroupsRequest request, short version)
    {
        var states = version >= 4 ? request.StatesFilter.Select(s => s.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase) : [];
        var types = version >= 5 ? request.TypesFilter.Select(t => t.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase) : [];
        lock (_gate)
        {
            var classic = _groups.Values.Select(g => new ListGroupsResponse.ListedGroup
            {
                GroupId = g.GroupId,
                ProtocolType = g.ProtocolType ?? "",
                GroupState = g.State.ToString(),
                GroupType = ClassicGroupType,
            });
            var consumer = _consumerGroups.Values.Select(g => new ListGroupsResponse.ListedGroup
            {
                GroupId = g.GroupId,
                ProtocolType = ConsumerGroupType,
                GroupState = g.State.ToString(),
                GroupType = ConsumerGroupType,
            });
            return new ListGroupsResponse
            {
                Groups = classic.Concat(consumer)
                    .Where(g => Coordinator(Cluster.CoordinatorType.Group, g.GroupId) == nodeId)
                    .Where(g => (states.Count == 0 || states.Contains(g.GroupState)) && (types.Count == 0 || types.Contains(g.GroupType)))
                    .OrderBy(g => g.GroupId, StringComparer.Ordinal)
                    .ToList(),
            };
        }
    }
}
