using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;

namespace RxKafka.Client;

// K3, K4, K8: metadata updates, tracked topics, waiting for a topic.
public sealed partial class KafkaClient
{
    /// <summary>The topics the client asks about by name, besides every topic when <see cref="KafkaClientOptions.MetadataAllTopics"/> is on.</summary>
    public IReadOnlySet<string> TrackedTopics => _topics;

    /// <summary>
    /// K3: asks for a metadata update now. Hot: the update is requested on the call. The result emits
    /// the snapshot of the next update that starts after this call (several calls during one update
    /// share the one after it) and completes, or fails with <see cref="KafkaConnectionException"/>
    /// when every broker failed.
    /// </summary>
    public IObservable<ClusterSnapshot> ForceMetadataUpdate()
    {
        ThrowIfDisposed();
        return _synchronizer.Force(MetadataUpdateReason.Forced);
    }

    /// <summary>Awaits <see cref="ForceMetadataUpdate"/>.</summary>
    public Task<ClusterSnapshot> ForceMetadataUpdateAsync(CancellationToken cancellationToken = default) =>
        ForceMetadataUpdate().ToTask(cancellationToken);

    /// <summary>
    /// Adds topics to <see cref="TrackedTopics"/>. When that changes what the next Metadata request
    /// asks, an update follows at once (during an update: right after it).
    /// </summary>
    public void AddTopics(params IEnumerable<string> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ChangeTopics(set => set.Union(topics));
    }

    /// <summary>Replaces <see cref="TrackedTopics"/>; an update follows when that changes the request.</summary>
    public void SetTopics(IEnumerable<string> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ChangeTopics(set => set.Clear().Union(topics));
    }

    /// <summary>
    /// K8: the topic's metadata once it has partitions. If the current snapshot knows them, at once;
    /// otherwise the topic is tracked and updates are forced, a retry backoff apart, until it is known
    /// (a broker that auto-creates topics creates it), until the broker says the client may not
    /// describe it (<see cref="TopicAuthorizationException"/>), or until the request timeout passes
    /// (<see cref="UnknownTopicOrPartitionException"/>). When connections or metadata updates failed
    /// during the wait (refused, TLS, SASL), that exception's message names the last few distinct
    /// failures and its <see cref="Exception.InnerException"/> is a <see cref="KafkaConnectionException"/>
    /// listing them in <see cref="KafkaConnectionException.BrokerErrors"/>. Cold: each subscription waits anew.
    /// </summary>
    public IObservable<TopicMetadata> WaitForTopic(string topic)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return Observable.Defer(() =>
        {
            ThrowIfDisposed();
            if (CheckTopic(_view.Current, topic) is { } known)
            {
                return known;
            }

            var started = _scheduler.Now;
            AddTopics(topic);
            var found = _view.Snapshots
                .Select(snapshot => CheckTopic(snapshot, topic))
                .Where(outcome => outcome is not null)
                .Take(1)
                .SelectMany(outcome => outcome!);
            // Force an update, wait a retry backoff, again; failures only mean trying again.
            var driver = Observable.Defer(() => _synchronizer.Force(MetadataUpdateReason.Forced))
                .IgnoreElements()
                .Catch((Exception e) => e is ObjectDisposedException ? Observable.Throw<ClusterSnapshot>(e) : Observable.Empty<ClusterSnapshot>())
                .Concat(Observable.Timer(Options.RetryBackoff, _scheduler).IgnoreElements().Select(_ => (ClusterSnapshot)null!))
                .Repeat()
                .Select(_ => (TopicMetadata)null!);
            return found.Merge(driver)
                .Take(1)
                .Timeout(
                    Options.RequestTimeout,
                    Observable.Defer(() => Observable.Throw<TopicMetadata>(TopicNotKnown(topic, started))),
                    _scheduler);
        });
    }

    /// <summary>
    /// The connection and metadata failures since <paramref name="since"/> (the last few distinct
    /// ones), as a <see cref="KafkaConnectionException"/> listing them in
    /// <see cref="KafkaConnectionException.BrokerErrors"/>; null when there were none. A timeout
    /// carries this as its inner exception and names it in its message.
    /// </summary>
    internal KafkaConnectionException? FailuresSince(DateTimeOffset since) => _failures.Since(since);

    // K8's timeout: what was waited for, what the broker said of the topic, and what failed meanwhile.
    private UnknownTopicOrPartitionException TopicNotKnown(string topic, DateTimeOffset started)
    {
        var causes = _failures.Since(started);
        var message = $"Topic '{topic}' is not in the cluster metadata after {Options.RequestTimeout.TotalMilliseconds:0} ms (request.timeout.ms)"
            + (_view.Current.TopicErrors.TryGetValue(topic, out var error) ? $"; the broker says {error}" : "");
        return new UnknownTopicOrPartitionException(RecentFailures.Append(message, causes), causes);
    }

    /// <summary>Awaits <see cref="WaitForTopic"/>.</summary>
    public Task<TopicMetadata> WaitForTopicAsync(string topic, CancellationToken cancellationToken = default) =>
        WaitForTopic(topic).ToTask(cancellationToken);

    private static IObservable<TopicMetadata>? CheckTopic(ClusterSnapshot snapshot, string topic)
    {
        if (snapshot.Topics.TryGetValue(topic, out var metadata) && metadata.Partitions.Length > 0)
        {
            return Observable.Return(metadata);
        }

        if (snapshot.UnauthorizedTopics.Contains(topic))
        {
            return Observable.Throw<TopicMetadata>(new TopicAuthorizationException($"Not authorized to describe topic '{topic}' (TOPIC_AUTHORIZATION_FAILED)"));
        }

        if (snapshot.TopicErrors.TryGetValue(topic, out var error) && error == ErrorCode.InvalidTopicException)
        {
            return Observable.Throw<TopicMetadata>(KafkaErrors.ToException(error, $"topic '{topic}'"));
        }

        return null;
    }

    private void ChangeTopics(Func<System.Collections.Immutable.ImmutableHashSet<string>, System.Collections.Immutable.ImmutableHashSet<string>> change)
    {
        ThrowIfDisposed();
        System.Collections.Immutable.ImmutableHashSet<string> before, after;
        lock (_gate)
        {
            before = _topics;
            after = change(before);
            foreach (var name in after)
            {
                if (string.IsNullOrEmpty(name))
                {
                    throw new ArgumentException("a topic name must not be null or empty", nameof(change));
                }
            }

            _topics = after;
        }

        if (before.SetEquals(after))
        {
            return;
        }

        // With every topic asked for, only a topic the cluster view lacks changes the request.
        var current = _view.Current;
        var matters = !Options.MetadataAllTopics || after.Except(before).Any(t => !current.Topics.ContainsKey(t));
        if (matters)
        {
            _synchronizer.Trigger(MetadataUpdateReason.TrackedTopicsChanged);
        }
    }

    // ---------------------------------------------------------------- one update (K1, K4)

    private IObservable<ClusterSnapshot> UpdateMetadata(MetadataUpdateReason reason) =>
        InlineTasks.FromInlineTask(ct => UpdateMetadataAsync(reason, ct))
            // The synchronizer needs an outcome: a snapshot or an error, never nothing.
            .Concat(Observable.Defer(() => Observable.Throw<ClusterSnapshot>(new InvalidOperationException("the metadata update ended without an outcome"))))
            .Take(1);

    private async Task<ClusterSnapshot> UpdateMetadataAsync(MetadataUpdateReason reason, CancellationToken cancellationToken)
    {
        var started = _scheduler.Now;
        var current = _view.Current;
        var bootstrapping = current.Brokers.Count == 0;
        // K1: bootstrap servers in turn; K4: known brokers in random order, those already connected first.
        var candidates = bootstrapping ? current.BootstrapBrokers : OrderForUpdate(current.GetBrokers());
        var failures = new List<KeyValuePair<string, Exception>>(candidates.Count);
        foreach (var node in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                KafkaConnection connection;
                try
                {
                    connection = await _pool.GetAsync(node, ConnectionGroup.Default, cancellationToken).ConfigureAwait(false);
                }
                catch (ConnectionClosedException e) when (e.Reason == CloseReason.ConnectionBroken)
                {
                    // K6: a broker that closes the connection while negotiating is probably older than 0.10.
                    throw new ConnectionClosedException(CloseReason.ConnectionBroken, e.Broker, new KafkaException(
                        ErrorCode.None,
                        $"{e.InnerException?.Message ?? "closed"} while negotiating API versions (brokers older than Kafka 0.10 do this: RxKafka needs 0.10 or newer)",
                        e.InnerException));
                }

                DetectBrokerVersion(connection);
                var answers = await RequestMetadataAsync(connection, cancellationToken).ConfigureAwait(false);
                var at = _scheduler.Now;
                var snapshot = _view.Update(
                    s => answers.Aggregate(s, (acc, answer) => acc.Apply(answer.Response, at, answer.RequestedTopics)),
                    new MetadataUpdate(at, reason, current, connection.Broker, null));
                _pool.RetireBootstrapConnections(snapshot);
                Record(reason, "success", started);
                _logger?.LogDebug("Metadata ({Reason}) from {Broker}: generation {Generation}, {Brokers} brokers, {Topics} topics", reason, connection.Broker, snapshot.Generation, snapshot.Brokers.Count, snapshot.Topics.Count);
                return snapshot;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add(new(node.Endpoint.ToString(), e));
                _failures.Add(node.Endpoint.ToString(), e);
            }
        }

        var what = bootstrapping ? "unable to bootstrap from" : "unable to update metadata from";
        var error = new KafkaConnectionException(
            candidates.Count == 0 ? "no broker is known to ask for metadata" : $"{what} {string.Join(", ", candidates.Select(c => c.Endpoint))}",
            failures);
        _view.ReportFailure(new MetadataUpdate(_scheduler.Now, reason, current, null, error));
        Record(reason, "failure", started);
        _logger?.LogWarning("Metadata update ({Reason}) failed: {Error}", reason, error.Message);
        throw error;
    }

    private void Record(MetadataUpdateReason reason, string outcome, DateTimeOffset started)
    {
        var client = new KeyValuePair<string, object?>("client.id", Options.ClientId);
        ClientInstruments.MetadataUpdates.Add(1, client, new("reason", reason.ToString()), new("outcome", outcome));
        ClientInstruments.MetadataUpdateDuration.Record((_scheduler.Now - started).TotalMilliseconds, client, new KeyValuePair<string, object?>("outcome", outcome));
    }

    private IReadOnlyList<BrokerNode> OrderForUpdate(IReadOnlyList<BrokerNode> brokers)
    {
        var shuffled = brokers.ToArray();
        lock (_random)
        {
            _random.Shuffle(shuffled);
        }

        // Stable: connected brokers first, each half still in random order.
        return shuffled.OrderBy(b => _pool.TryGetReady(b.NodeId, ConnectionGroup.Default) is null ? 1 : 0).ToArray();
    }

    /// <summary>The Metadata requests of one update and their answers, in the order to apply them.</summary>
    private async Task<List<(MetadataResponse Response, IReadOnlyCollection<string>? RequestedTopics)>> RequestMetadataAsync(KafkaConnection connection, CancellationToken cancellationToken)
    {
        var version = connection.ApiVersions!.Pick(ApiKey.Metadata, connection.Broker);
        var tracked = _topics;
        var answers = new List<(MetadataResponse, IReadOnlyCollection<string>?)>(2);
        if (Options.MetadataAllTopics || (tracked.Count == 0 && version == 0))
        {
            // Every topic: null from v1, an empty list in v0.
            var all = await SendMetadataAsync(connection, version, version == 0 ? [] : null, cancellationToken).ConfigureAwait(false);
            answers.Add((all, null));
            // Tracked topics the answer lacks are asked for by name: that lets the broker auto-create
            // them and tells apart unknown from unauthorized (listing every topic hides both).
            var listed = new HashSet<string>(all.Topics.Where(t => t.Name is not null && t.ErrorCode == 0).Select(t => t.Name!), StringComparer.Ordinal);
            var missing = tracked.Where(t => !listed.Contains(t)).Order(StringComparer.Ordinal).ToArray();
            if (missing.Length > 0)
            {
                answers.Add((await SendMetadataAsync(connection, version, missing, cancellationToken).ConfigureAwait(false), missing));
            }
        }
        else
        {
            // Only the tracked topics; the answer is the whole view (as the Java producer keeps it).
            answers.Add((await SendMetadataAsync(connection, version, tracked.Order(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false), null));
        }

        return answers;
    }

    private async Task<MetadataResponse> SendMetadataAsync(KafkaConnection connection, short version, string[]? topics, CancellationToken cancellationToken)
    {
        var request = new MetadataRequest
        {
            Topics = topics?.Select(t => new MetadataRequest.MetadataRequestTopic { Name = t }).ToList(),
        };
        if (version >= 4)
        {
            request.AllowAutoTopicCreation = Options.AllowAutoTopicCreation;
        }

        var response = await connection.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Brokers.Count == 0)
        {
            // K4: an answer without brokers would leave the client with nowhere to go.
            throw new KafkaException(ErrorCode.None, $"the Metadata answer from {connection.Broker} lists no brokers; not applied");
        }

        return response;
    }
}
