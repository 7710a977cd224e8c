using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// ListGroups at any version 0-5: the groups a broker coordinates, filtered by state (v4+, KIP-518,
// case-insensitive) and type (v5+, KIP-848: every group here is "classic").
public sealed partial class ScriptedCluster
{
    // What Kafka reports as a member's host: the in-memory and loopback clients have no other address.
    private const string ClientHost = "/127.0.0.1";

    private const string ClassicGroupType = "classic";

    private ListGroupsResponse AnswerListGroups(int nodeId, ListGroupsRequest request, short version)
    {
        var states = version >= 4 ? request.StatesFilter.Select(s => s.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase) : [];
        var types = version >= 5 ? request.TypesFilter.Select(t => t.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase) : [];
        lock (_gate)
        {
            return new ListGroupsResponse
            {
                Groups = _groups.Values
                    .Where(g => Coordinator(Cluster.CoordinatorType.Group, g.GroupId) == nodeId)
                    .Where(g => (states.Count == 0 || states.Contains(g.State.ToString())) && (types.Count == 0 || types.Contains(ClassicGroupType)))
                    .OrderBy(g => g.GroupId, StringComparer.Ordinal)
                    .Select(g => new ListGroupsResponse.ListedGroup
                    {
                        GroupId = g.GroupId,
                        ProtocolType = g.ProtocolType ?? "",
                        GroupState = g.State.ToString(),
                        GroupType = ClassicGroupType,
                    })
                    .ToList(),
            };
        }
    }
}
