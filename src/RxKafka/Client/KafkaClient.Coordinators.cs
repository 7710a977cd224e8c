using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Reactive;

namespace RxKafka.Client;

// K7: coordinator lookup.
public sealed partial class KafkaClient
{
    /// <summary>
    /// K7: finds the coordinator of a consumer group (<see cref="CoordinatorType.Group"/>, key: the
    /// group id) or of a transactional producer (<see cref="CoordinatorType.Transaction"/>, key: the
    /// transactional id) with FindCoordinator, and records it in the cluster view, replacing the one
    /// recorded before for the same purpose (a <see cref="CoordinatorChanged"/> when it differs).
    /// Retriable errors (COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR, a
    /// lost connection) are retried after the retry backoff until the request timeout.
    /// </summary>
    /// <exception cref="AuthorizationException">Not authorized for the group or transactional id (<see cref="KafkaException.ErrorCode"/> says which).</exception>
    /// <exception cref="RetriableException">Still no coordinator when the request timeout passed.</exception>
    public async Task<BrokerNode> FindCoordinatorAsync(CoordinatorType type, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var found = await FindCoordinatorsAsync(type, [key], cancellationToken).ConfigureAwait(false);
        return found[key];
    }

    /// <summary>
    /// K7: finds the coordinators of several groups or transactional ids: one FindCoordinator request
    /// for all of them where the broker supports batched keys (v4+, Kafka 3.0+), one request per key
    /// (pipelined on one connection) before that. Each is recorded in the cluster view.
    /// </summary>
    /// <returns>The coordinator of each key.</returns>
    /// <exception cref="KafkaException">
    /// A key failed with a non-retriable error (the typed exception, e.g.
    /// <see cref="AuthorizationException"/>), or still failed when the request timeout passed;
    /// with several failed keys an <see cref="AggregateException"/> of them.
    /// </exception>
    public async Task<IReadOnlyDictionary<string, BrokerNode>> FindCoordinatorsAsync(CoordinatorType type, IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ThrowIfDisposed();
        var pending = new List<string>(keys.Distinct(StringComparer.Ordinal));
        if (pending.Any(k => k is null))
        {
            throw new ArgumentException("a coordinator key must not be null", nameof(keys));
        }

        var found = new Dictionary<string, BrokerNode>(StringComparer.Ordinal);
        var deadline = _scheduler.Now + Options.RequestTimeout;
        var backoff = new Backoff(Options.RetryBackoffOptions, _random);
        var lastErrors = new Dictionary<string, Exception>(StringComparer.Ordinal);
        while (true)
        {
            var failed = new Dictionary<string, Exception>(StringComparer.Ordinal);
            try
            {
                var connection = await AnyConnectionAsync(ConnectionGroup.Coordination, cancellationToken).ConfigureAwait(false);
                foreach (var (key, outcome) in await LookUpAsync(connection, type, pending, cancellationToken).ConfigureAwait(false))
                {
                    if (outcome.Node is { } node)
                    {
                        found[key] = node;
                        lastErrors.Remove(key);
                    }
                    else if (outcome.Error is KafkaException { IsRetriable: true } retriable)
                    {
                        lastErrors[key] = retriable;
                    }
                    else
                    {
                        failed[key] = outcome.Error!;
                    }
                }
            }
            catch (Exception e) when (e is KafkaException { IsRetriable: true })
            {
                foreach (var key in pending)
                {
                    lastErrors[key] = e;
                }
            }

            Record(type, found, failed);
            pending.RemoveAll(k => found.ContainsKey(k) || failed.ContainsKey(k));
            if (failed.Count > 0)
            {
                throw failed.Count == 1 ? failed.Values.First() : new AggregateException($"FindCoordinator failed for {failed.Count} {type} keys", failed.Values);
            }

            if (pending.Count == 0)
            {
                return found;
            }

            var delay = backoff.NextDelay();
            if (_scheduler.Now + delay > deadline)
            {
                var errors = pending.Select(k => lastErrors.TryGetValue(k, out var e) ? e : new RetriableException(ErrorCode.CoordinatorNotAvailable, $"no coordinator for {type} '{k}'")).ToList();
                throw errors.Count == 1 ? errors[0] : new AggregateException($"FindCoordinator still failing for {errors.Count} {type} keys after {Options.RequestTimeout.TotalMilliseconds:0} ms", errors);
            }

            await Observable.Timer(delay, _scheduler).ToTask(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Forgets the coordinator recorded for a group or transactional id (after NOT_COORDINATOR or a
    /// lost connection), so the next <see cref="SendToCoordinatorAsync"/> looks it up again.
    /// </summary>
    public void ForgetCoordinator(CoordinatorType type, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = _scheduler.Now;
        _view.Update(s => s.WithoutCoordinator(type, key, at));
    }

    private void Record(CoordinatorType type, Dictionary<string, BrokerNode> found, Dictionary<string, Exception> failed)
    {
        var client = new KeyValuePair<string, object?>("client.id", Options.ClientId);
        ClientInstruments.CoordinatorLookups.Add(found.Count, client, new("type", type.ToString()), new("outcome", "success"));
        ClientInstruments.CoordinatorLookups.Add(failed.Count, client, new("type", type.ToString()), new("outcome", "failure"));
        if (found.Count == 0)
        {
            return;
        }

        var at = _scheduler.Now;
        _view.Update(s => found.Aggregate(s, (acc, pair) => Equals(acc.GetCoordinator(type, pair.Key), pair.Value) ? acc : acc.WithCoordinator(type, pair.Key, pair.Value, at)));
    }

    private async Task<List<(string Key, (BrokerNode? Node, Exception? Error) Outcome)>> LookUpAsync(
        KafkaConnection connection, CoordinatorType type, List<string> keys, CancellationToken cancellationToken)
    {
        var version = connection.ApiVersions!.Pick(ApiKey.FindCoordinator, connection.Broker);
        if (type != CoordinatorType.Group && version < 1)
        {
            throw new UnsupportedVersionException($"Broker {connection.Broker} only supports FindCoordinator v0, which finds group coordinators only; transaction coordinators need v1 (Kafka 0.11)");
        }

        var results = new List<(string, (BrokerNode?, Exception?))>(keys.Count);
        if (version >= 4)
        {
            var response = await connection.SendAsync(new FindCoordinatorRequest { KeyType = (sbyte)type, CoordinatorKeys = keys.ToList() }, cancellationToken).ConfigureAwait(false);
            foreach (var c in response.Coordinators)
            {
                results.Add((c.Key, Outcome(type, c.Key, c.ErrorCode, c.ErrorMessage, c.NodeId, c.Host, c.Port, connection.Broker)));
            }

            foreach (var missing in keys.Where(k => !response.Coordinators.Any(c => c.Key == k)))
            {
                results.Add((missing, (null, new RetriableException(ErrorCode.CoordinatorNotAvailable, $"the FindCoordinator answer from {connection.Broker} left out {type} '{missing}'"))));
            }

            return results;
        }

        // Before v4 one key per request, pipelined on the one connection.
        var requests = keys.Select(k => (Key: k, Task: connection.SendAsync(
            version >= 1 ? new FindCoordinatorRequest { Key = k, KeyType = (sbyte)type } : new FindCoordinatorRequest { Key = k },
            cancellationToken))).ToList();
        foreach (var (key, task) in requests)
        {
            var response = await task.ConfigureAwait(false);
            results.Add((key, Outcome(type, key, response.ErrorCode, response.ErrorMessage, response.NodeId, response.Host, response.Port, connection.Broker)));
        }

        return results;
    }

    private (BrokerNode? Node, Exception? Error) Outcome(CoordinatorType type, string key, short errorCode, string? errorMessage, int nodeId, string host, int port, string broker)
    {
        if (errorCode != 0)
        {
            var detail = $"FindCoordinator for {type.ToString().ToLowerInvariant()} '{key}' from {broker}" + (string.IsNullOrEmpty(errorMessage) ? "" : $": {errorMessage}");
            return (null, KafkaErrors.ToException((ErrorCode)errorCode, detail));
        }

        // The rack is not in the answer; the metadata knows it when the coordinator is a listed broker.
        var known = _view.Current.GetBroker(nodeId);
        return (known is not null && known.Host == host && known.Port == port ? known : new BrokerNode(nodeId, host, port, known?.Rack), null);
    }
}
