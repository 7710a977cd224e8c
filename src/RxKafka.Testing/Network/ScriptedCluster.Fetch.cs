using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using RxKafka.Protocol.Messages;
using static RxKafka.Protocol.Messages.FetchResponse;

namespace RxKafka.Testing.Network;

// Fetch at any version 0-17: a leader reading its partition logs, waiting on the scheduler for data
// (Kafka's DelayedFetch), in or out of a fetch session (ScriptedCluster.FetchSessions.cs).
public sealed partial class ScriptedCluster
{
    private readonly List<PendingFetch> _pendingFetches = new();

    /// <summary>
    /// A partition's last stable offset: the first offset of its oldest open transaction, else the high
    /// watermark. read_committed fetches and ListOffsets stop there.
    /// </summary>
    private static long LastStableOffset(ScriptedPartitionLog log) => Math.Min(log.LastStableOffset, HighWatermark(log));

    /// <summary>A partition's high watermark: its log end offset, as every replica is in sync at once here.</summary>
    private static long HighWatermark(ScriptedPartitionLog log) => log.LogEndOffset;

    // The default answer: at once when there is enough to return (min_bytes), nothing to wait for or an
    // error to report, else when data arrives or max_wait_ms passes, as Kafka's DelayedFetch.
    private BrokerReply AnswerFetch(int nodeId, FetchRequest request, short version, DateTimeOffset now)
    {
        lock (_gate)
        {
            var context = OpenFetchContext(nodeId, request, version, now, out var sessionError);
            if (context is null)
            {
                return BrokerReply.Respond(new FetchResponse { ErrorCode = (short)sessionError });
            }

            var reads = ReadPartitions(nodeId, request, version, context.Partitions);
            if (request.MaxWaitMs <= 0 || CanAnswer(reads, request.MinBytes))
            {
                return BrokerReply.Respond(FetchAnswer(context, reads, version));
            }

            var pending = new PendingFetch(nodeId, request, version, context);
            return new BrokerReply.DeferredReply((delay, write) => Wait(pending, delay, write), TimeSpan.Zero);
        }
    }

    private static bool CanAnswer(List<PartitionRead> reads, int minBytes) =>
        reads.Count == 0 || reads.Any(r => r.Data.ErrorCode != 0) || reads.Sum(r => (long)r.Bytes) >= minBytes;

    private void Wait(PendingFetch pending, TimeSpan delay, Action<KafkaResponse> write)
    {
        lock (_gate)
        {
            (pending.Delay, pending.Write) = (delay, write);
            _pendingFetches.Add(pending);

            // Data may have come on another connection since the request was read (real threads).
            WakeFetchesLocked();
        }

        _scheduler.Schedule(pending, TimeSpan.FromMilliseconds(pending.Request.MaxWaitMs) + delay, (_, fetch) =>
        {
            FetchResponse response;
            lock (_gate)
            {
                if (!_pendingFetches.Remove(fetch))
                {
                    return Disposable.Empty;
                }

                response = FetchAnswer(fetch.Context, ReadPartitions(fetch.NodeId, fetch.Request, fetch.Version, fetch.Context.Partitions), fetch.Version);
            }

            fetch.Write!(response);
            return Disposable.Empty;
        });
    }

    // After an append, a leader change or a topic change: answers the waiting fetches that now can be,
    // after the answering broker's delay (never on this thread: it may hold another broker's lock).
    private void WakeFetchesLocked()
    {
        for (var i = 0; i < _pendingFetches.Count; i++)
        {
            var fetch = _pendingFetches[i];
            var reads = ReadPartitions(fetch.NodeId, fetch.Request, fetch.Version, fetch.Context.Partitions);
            if (!CanAnswer(reads, fetch.Request.MinBytes))
            {
                continue;
            }

            _pendingFetches.RemoveAt(i--);
            var response = FetchAnswer(fetch.Context, reads, fetch.Version);
            _scheduler.Schedule(fetch.Delay, () => fetch.Write!(response));
        }
    }

    // Every partition in order, with Kafka's byte limits: each partition at most its partition_max_bytes and
    // what is left of max_bytes, but (v3+, KIP-74) the first batch of the first partition that returns data
    // whole whatever its size. Before v3 the limits are hard: a batch that does not fit is cut short.
    private List<PartitionRead> ReadPartitions(int nodeId, FetchRequest request, short version, IReadOnlyList<FetchTarget> targets)
    {
        var reads = new List<PartitionRead>(targets.Count);
        var left = version >= 3 ? Math.Max(0, request.MaxBytes) : int.MaxValue;
        var minOneBatch = version >= 3;
        foreach (var target in targets)
        {
            var read = ReadPartition(nodeId, target, version, request.IsolationLevel, Math.Min(Math.Max(0, target.MaxBytes), left), minOneBatch);
            if (read.Bytes > 0)
            {
                minOneBatch = false;
                left = Math.Max(0, left - read.Bytes);
            }

            reads.Add(read);
        }

        return reads;
    }

    // One partition, with a leader's checks in Kafka's order: authorization (a topic error), existence,
    // the current leader epoch, leadership, the fetch offset; then whole batches from the one holding it.
    private PartitionRead ReadPartition(int nodeId, FetchTarget target, short version, sbyte isolation, int limit, bool minOneBatch)
    {
        var name = target.TopicName ?? _topics.Values.FirstOrDefault(t => t.TopicId == target.TopicId)?.Name;
        if (name is not null && _topicErrors.TryGetValue(name, out var topicError))
        {
            return Failed(target, topicError);
        }

        if (name is null || !_topics.TryGetValue(name, out var topic) || (version >= 13 && topic.TopicId != target.TopicId))
        {
            return Failed(target, version >= 13 ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition);
        }

        if ((uint)target.Partition >= (uint)topic.Partitions.Count)
        {
            return Failed(target, ErrorCode.UnknownTopicOrPartition);
        }

        var partition = topic.Partitions[target.Partition];
        var epochError = CheckLeaderEpoch(target.CurrentLeaderEpoch, partition.LeaderEpoch);
        if (epochError != ErrorCode.None || partition.LeaderId != nodeId)
        {
            var failed = Failed(target, epochError != ErrorCode.None ? epochError : ErrorCode.NotLeaderOrFollower);
            failed.Data.CurrentLeader = new LeaderIdAndEpoch { LeaderId = partition.LeaderId, LeaderEpoch = partition.LeaderEpoch };
            return failed;
        }

        var log = topic.Log(target.Partition);
        if (version >= 12 && Diverging(log, target.LastFetchedEpoch, target.FetchOffset, partition.LeaderEpoch) is { } diverging)
        {
            // The client read past where its epoch ends here (an unclean election truncated the log): no records.
            return new PartitionRead(target, new PartitionData
            {
                PartitionIndex = target.Partition,
                HighWatermark = HighWatermark(log),
                LastStableOffset = LastStableOffset(log),
                LogStartOffset = log.LogStartOffset,
                DivergingEpoch = diverging,
                Records = Array.Empty<byte>(),
            }, 0);
        }

        if (target.FetchOffset < log.LogStartOffset || target.FetchOffset > log.LogEndOffset)
        {
            return Failed(target, ErrorCode.OffsetOutOfRange);
        }

        // read_committed stops at the last stable offset, read_uncommitted at the high watermark.
        var end = isolation == 1 ? LastStableOffset(log) : HighWatermark(log);
        var (records, bytes, next) = ReadBatches(log, target.FetchOffset, end, limit, minOneBatch);

        // read_committed gets the aborted transactions that reach into what it reads, to filter them out (v4+).
        return new PartitionRead(target, new PartitionData
        {
            PartitionIndex = target.Partition,
            HighWatermark = HighWatermark(log),
            LastStableOffset = LastStableOffset(log),
            LogStartOffset = log.LogStartOffset,
            AbortedTransactions = isolation == 1
                ? log.AbortedOverlapping(target.FetchOffset, next).Select(a => new AbortedTransaction { ProducerId = a.ProducerId, FirstOffset = a.FirstOffset }).ToList()
                : null,
            Records = records,
        }, bytes);
    }

    // The batches from the one holding the offset, and the offset after the last one read.
    private static (byte[] Records, int Bytes, long Next) ReadBatches(ScriptedPartitionLog log, long offset, long end, int limit, bool minOneBatch)
    {
        var batches = new List<byte[]>();
        var size = 0;
        var next = offset;
        for (var i = log.BatchIndexOf(offset); i < log.Batches.Count && log.Batches[i].BaseOffset < end; i++)
        {
            var bytes = log.ServedBytes(i);
            var after = log.Batches[i].LastOffset + 1;
            if (size + bytes.Length > limit)
            {
                if (batches.Count == 0 && minOneBatch)
                {
                    batches.Add(bytes);
                    size += bytes.Length;
                    next = after;
                }
                else if (batches.Count == 0 && limit > 0)
                {
                    // The hard limit of Fetch v0-2: the log read stops mid-batch; the client sees a partial batch.
                    batches.Add(bytes[..limit]);
                    size += limit;
                    next = after;
                }

                break;
            }

            batches.Add(bytes);
            size += bytes.Length;
            next = after;
        }

        var records = new byte[size];
        var at = 0;
        foreach (var bytes in batches)
        {
            bytes.CopyTo(records, at);
            at += bytes.Length;
        }

        return (records, size, next);
    }

    // KIP-320: a client names the leader epoch it knows; older is fenced, newer is not yet known here.
    private static ErrorCode CheckLeaderEpoch(int requested, int current) =>
        requested < 0 || requested == current ? ErrorCode.None
        : requested < current ? ErrorCode.FencedLeaderEpoch
        : ErrorCode.UnknownLeaderEpoch;

    // Errors carry no offsets and empty records, as Kafka's do.
    private static PartitionRead Failed(FetchTarget target, ErrorCode error) => new(target, new PartitionData
    {
        PartitionIndex = target.Partition,
        ErrorCode = (short)error,
        HighWatermark = -1,
        LastStableOffset = -1,
        LogStartOffset = -1,
        AbortedTransactions = null,
        Records = Array.Empty<byte>(),
    }, 0);

    // The response: every partition read (an incremental session's only those that changed), grouped into
    // runs of the same topic, with where the leaders named in errors listen (v16+, KIP-951).
    private FetchResponse FetchAnswer(FetchContext context, List<PartitionRead> reads, short version)
    {
        var response = new FetchResponse { SessionId = context.ResponseSessionId };
        var leaders = new SortedSet<int>();
        var answered = context.Select(reads);
        foreach (var read in answered)
        {
            var last = response.Responses.Count > 0 ? response.Responses[^1] : null;
            if (last is null || (version >= 13 ? last.TopicId != read.Target.TopicId : last.Topic != read.Target.TopicName))
            {
                last = new FetchableTopicResponse { Topic = read.Target.TopicName ?? "", TopicId = read.Target.TopicId };
                response.Responses.Add(last);
            }

            last.Partitions.Add(read.Data);
            if (read.Data.CurrentLeader.LeaderId >= 0)
            {
                leaders.Add(read.Data.CurrentLeader.LeaderId);
            }
        }

        response.NodeEndpoints = leaders
            .Select(id => _brokers.GetValueOrDefault(id))
            .Where(b => b is not null && (b.IsUp || !DownBrokersLeaveMetadata))
            .Select(b => new NodeEndpoint { NodeId = b!.NodeId, Host = b.Endpoint.Host, Port = b.Endpoint.Port, Rack = b.Rack })
            .ToList();
        return response;
    }

    /// <summary>What one partition of a Fetch read.</summary>
    private sealed record PartitionRead(FetchTarget Target, PartitionData Data, int Bytes);

    /// <summary>A Fetch waiting for data: answered by the first append that satisfies it or when its wait ends.</summary>
    private sealed class PendingFetch(int nodeId, FetchRequest request, short version, FetchContext context)
    {
        public int NodeId { get; } = nodeId;

        public FetchRequest Request { get; } = request;

        public short Version { get; } = version;

        public FetchContext Context { get; } = context;

        public TimeSpan Delay { get; set; }

        public Action<KafkaResponse>? Write { get; set; }
    }
}
