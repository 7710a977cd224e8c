using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// Group and transaction coordinators, and the default FindCoordinator answer at any version 0-6.
public sealed partial class ScriptedCluster
{
    private readonly Dictionary<(CoordinatorType Type, string Key), int> _coordinators = new();
    private readonly Dictionary<(CoordinatorType Type, string Key), ErrorCode> _coordinatorErrors = new();

    /// <summary>
    /// Pins the coordinator of a group or transactional id to broker <paramref name="nodeId"/>; -1 unpins it
    /// (back to the default, see <see cref="Coordinator"/>). While the pinned broker is down or removed,
    /// FindCoordinator answers COORDINATOR_NOT_AVAILABLE for the key.
    /// </summary>
    /// <param name="type">Group or transaction coordinator.</param>
    /// <param name="key">The group id or transactional id.</param>
    /// <param name="nodeId">The coordinator's node id, or -1.</param>
    public void SetCoordinator(CoordinatorType type, string key, int nodeId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodeId, -1);
        lock (_gate)
        {
            if (nodeId == -1)
            {
                _coordinators.Remove((type, key));
            }
            else
            {
                _coordinators[(type, key)] = nodeId;
            }
        }
    }

    /// <summary>
    /// Makes FindCoordinator answer <paramref name="error"/> for a key (e.g. COORDINATOR_NOT_AVAILABLE,
    /// COORDINATOR_LOAD_IN_PROGRESS, GROUP_AUTHORIZATION_FAILED), with node id -1, until set back to
    /// <see cref="ErrorCode.None"/>. In a batched request (v4+) only that key's entry carries the error.
    /// </summary>
    /// <param name="type">Group or transaction coordinator.</param>
    /// <param name="key">The group id or transactional id.</param>
    /// <param name="error">The error, or <see cref="ErrorCode.None"/> to clear it.</param>
    public void SetCoordinatorError(CoordinatorType type, string key, ErrorCode error)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (error == ErrorCode.None)
            {
                _coordinatorErrors.Remove((type, key));
            }
            else
            {
                _coordinatorErrors[(type, key)] = error;
            }
        }
    }

    /// <summary>
    /// The node id FindCoordinator names for a key now (errors set with <see cref="SetCoordinatorError"/> aside),
    /// or -1 when it would answer COORDINATOR_NOT_AVAILABLE. A pinned coordinator (<see cref="SetCoordinator"/>)
    /// if it is up; otherwise the broker that is up at index <c>(h &amp; 0x7FFFFFFF) % n</c> among the n
    /// brokers that are up, in ascending node-id order, where h is Java's <c>String.hashCode()</c> of the key
    /// (as Kafka picks a group's <c>__consumer_offsets</c> partition). Taking a broker down can thus move
    /// coordinators, as a real cluster would.
    /// </summary>
    /// <param name="type">Group or transaction coordinator.</param>
    /// <param name="key">The group id or transactional id.</param>
    public int Coordinator(CoordinatorType type, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (_coordinators.TryGetValue((type, key), out var pinned))
            {
                return _brokers.TryGetValue(pinned, out var broker) && broker.IsUp ? pinned : -1;
            }

            var live = LiveNodeIds();
            return live.Count == 0 ? -1 : live[(JavaStringHash(key) & 0x7FFFFFFF) % live.Count];
        }
    }

    private FindCoordinatorResponse AnswerFindCoordinator(FindCoordinatorRequest request, short version)
    {
        // v0 has no key type: a group. v0-v3 ask for one key, v4+ for a batch.
        var keyType = version >= 1 ? request.KeyType : (sbyte)CoordinatorType.Group;
        if (version >= 4)
        {
            return new FindCoordinatorResponse
            {
                Coordinators = request.CoordinatorKeys.Select(key =>
                {
                    var (nodeId, endpoint, error) = Locate(keyType, key);
                    return new FindCoordinatorResponse.Coordinator
                    {
                        Key = key,
                        NodeId = nodeId,
                        Host = endpoint.Host,
                        Port = endpoint.Port,
                        ErrorCode = (short)error,
                        ErrorMessage = Describe(error),
                    };
                }).ToList(),
            };
        }

        var (id, at, failure) = Locate(keyType, request.Key);
        return new FindCoordinatorResponse
        {
            ErrorCode = (short)failure,
            ErrorMessage = Describe(failure),
            NodeId = id,
            Host = at.Host,
            Port = at.Port,
        };
    }

    // A coordinator, or an error with Kafka's "no node": id -1, empty host, port -1.
    private (int NodeId, BrokerEndpoint Endpoint, ErrorCode Error) Locate(sbyte keyType, string key)
    {
        var none = new BrokerEndpoint("", -1);
        if (keyType is not ((sbyte)CoordinatorType.Group or (sbyte)CoordinatorType.Transaction))
        {
            return (-1, none, ErrorCode.InvalidRequest);
        }

        var type = (CoordinatorType)keyType;
        lock (_gate)
        {
            if (_coordinatorErrors.TryGetValue((type, key), out var error))
            {
                return (-1, none, error);
            }

            var nodeId = Coordinator(type, key);
            return nodeId < 0 ? (-1, none, ErrorCode.CoordinatorNotAvailable) : (nodeId, _brokers[nodeId].Endpoint, ErrorCode.None);
        }
    }

    private static string? Describe(ErrorCode error) => error == ErrorCode.None ? null : KafkaErrors.Describe(error).Message;

    // Java's String.hashCode(): s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, wrapping.
    private static int JavaStringHash(string text)
    {
        var hash = 0;
        foreach (var c in text)
        {
            hash = unchecked((31 * hash) + c);
        }

        return hash;
    }
}
