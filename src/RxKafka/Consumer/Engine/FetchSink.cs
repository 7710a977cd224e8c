using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RxKafka.Client;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Reactive;

namespace RxKafka.Consumer.Engine;

/// <summary>
/// Fetches from one broker: one Fetch in flight at a time, built and answered on the sink's own serial
/// executor (never on the connection's read loop, never on a caller's thread), with the broker's KIP-227
/// session. The answer only hands the response over; the engine turns it into chunks for the faces.
/// </summary>
internal sealed class FetchSink : IAsyncDisposable
{
    // Fetch v13+ names topics by id; the cluster may not have given ids (an old broker): then v12 at most.
    private const short LastVersionWithTopicNames = 12;

    private readonly FetchEngine _engine;
    private readonly int _nodeId;
    private readonly ConnectionGroup _group;
    private readonly SerialExecutor _executor;
    private readonly FetchSession _session = new();
    private readonly ConcurrentQueue<Answer> _answers = new();
    private readonly Action<Task<FetchResponse>, object?> _onAnswer;
    private bool _inFlight;
    private int _connecting;
    private bool _disposed;

    public FetchSink(FetchEngine engine, int nodeId)
    {
        _engine = engine;
        _nodeId = nodeId;
        _group = ConnectionGroups.For(ApiKey.Fetch, engine.Client.Options.SeparateConnectionsByWorkload);
        _executor = new SerialExecutor(engine.Scheduler, Drain, e => engine.Logger?.LogError(e, "Fetch sink for broker {NodeId} failed", nodeId));
        _onAnswer = (task, state) =>
        {
            // On the thread that completed the request (a read loop): only hand the answer over.
            _answers.Enqueue(new Answer((Request)state!, task));
            _executor.Signal();
        };
    }

    /// <summary>Something changed (data taken, a position found, new metadata): look for partitions to fetch.</summary>
    public void Wake() => _executor.Signal();

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"{(_inFlight ? "fetch in flight" : "idle")}, {_session}, connecting {Volatile.Read(ref _connecting) == 1}";

    private void Drain()
    {
        while (_answers.TryDequeue(out var answer))
        {
            _inFlight = false;
            Handle(answer);
        }

        if (_inFlight || _disposed)
        {
            return;
        }

        var connection = _engine.Client.TryGetReadyConnection(_nodeId, _group);
        if (connection is null)
        {
            Connect();
            return;
        }

        var fetchable = connection.ApiVersions!.TryPick(ApiKey.Fetch, out var version);
        var targets = _engine.TakeFetchable(_nodeId, divergingEpochs: fetchable && version >= 12, out _);
        if (targets.Count == 0)
        {
            return;
        }

        if (!fetchable)
        {
            _engine.OnFetchFailed(_nodeId, targets, new UnsupportedVersionException($"Broker {_nodeId} does not support Fetch"));
            return;
        }

        var useTopicIds = version > LastVersionWithTopicNames && targets.All(t => t.TopicId != Guid.Empty);
        if (!useTopicIds && version > LastVersionWithTopicNames)
        {
            version = LastVersionWithTopicNames;
        }

        var options = _engine.Options;
        var request = new FetchRequest
        {
            ReplicaId = -1,
            MaxWaitMs = (int)options.FetchMaxWait.TotalMilliseconds,
            MinBytes = options.FetchMinBytes,
            MaxBytes = version >= 3 ? options.FetchMaxBytes : int.MaxValue,
            IsolationLevel = version >= 4 ? (sbyte)options.IsolationLevel : (sbyte)0,
            RackId = version >= 11 ? options.ClientRack : "",
        };
        _session.Build(request, targets, options.MaxPartitionFetchBytes, useTopicIds, version);
        _inFlight = true;
        connection.SendHandingOverAsync(request, version).ContinueWith(_onAnswer, new Request(targets, useTopicIds), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Handle(Answer answer)
    {
        var targets = answer.Request.Targets;
        if (!answer.Response.IsCompletedSuccessfully)
        {
            _session.Reset();
            _engine.OnFetchFailed(_nodeId, targets, answer.Response.Exception?.InnerException ?? new OperationCanceledException("The fetch was cancelled"));
            return;
        }

        var response = answer.Response.Result;
        try
        {
            Handle(answer.Request, response);
        }
        finally
        {
            // The sink's reference: the chunks made from the response hold their own.
            response.Frame?.Release();
        }
    }

    private void Handle(Request request, FetchResponse response)
    {
        var targets = request.Targets;
        if (!_session.OnResponse(response) || response.ErrorCode != 0)
        {
            var error = (ErrorCode)response.ErrorCode;
            _engine.OnFetchFailed(_nodeId, targets, KafkaErrors.ToException(error, $"Fetch from broker {_nodeId}"));
            return;
        }

        Dictionary<Guid, string>? names = null;
        if (request.UseTopicIds)
        {
            names = new Dictionary<Guid, string>();
            foreach (var target in targets)
            {
                names[target.TopicId] = target.State.Partition.Topic;
            }

            foreach (var topic in _engine.Client.Snapshot.Topics.Values)
            {
                names.TryAdd(topic.TopicId, topic.Name);
            }
        }

        _engine.OnFetched(_nodeId, targets, response, topic => names is null ? topic.Topic : names.GetValueOrDefault(topic.TopicId));
    }

    private void Connect()
    {
        if (Interlocked.Exchange(ref _connecting, 1) == 1)
        {
            return;
        }

        _ = ConnectAsync();
    }

    private async Task ConnectAsync()
    {
        try
        {
            await _engine.Client.GetConnectionAsync(_nodeId, _group).ConfigureAwait(false);
            Volatile.Write(ref _connecting, 0);
            _executor.Signal();
        }
        catch (Exception e)
        {
            // The partitions this broker leads wait out the backoff (their failure schedules the wake that tries
            // again); a metadata update may move them elsewhere. No signal now: a broker down or in its reconnect
            // backoff refuses at once, and trying again at once would spin without time passing.
            _engine.Logger?.LogDebug(e, "Fetch sink could not connect to broker {NodeId}", _nodeId);
            Volatile.Write(ref _connecting, 0);
            var targets = _engine.TakeFetchable(_nodeId, divergingEpochs: false, out _);
            if (targets.Count > 0)
            {
                _engine.OnFetchFailed(_nodeId, targets, e);
            }
        }
    }

    private sealed record Request(List<FetchTarget> Targets, bool UseTopicIds);

    private readonly record struct Answer(Request Request, Task<FetchResponse> Response);
}
