using RxKafka.Protocol.Messages;
using static RxKafka.Protocol.Messages.ProduceResponse;

namespace RxKafka.Testing.Network;

// Produce at any version 0-12: the partition logs, the leader's checks, idempotent producers' sequences, and
// transactional batches (v12: KIP-890 part 2, ScriptedCluster.TransactionsV2.cs).
public sealed partial class ScriptedCluster
{
    /// <summary>Kafka's default <c>message.max.bytes</c>: 1 MiB plus the 12 bytes of a batch's offset and length, 1,048,588.</summary>
    public const int DefaultMaxMessageBytes = (1024 * 1024) + 12;

    private int _maxMessageBytes = DefaultMaxMessageBytes;

    /// <summary>
    /// The largest record batch (its whole size on the wire) a Produce may append to a topic without a limit
    /// of its own (<see cref="SetMaxMessageBytes"/>): the brokers' <c>message.max.bytes</c>,
    /// <see cref="DefaultMaxMessageBytes"/> unless set. A larger batch is answered MESSAGE_TOO_LARGE.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxMessageBytes
    {
        get => _maxMessageBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxMessageBytes = value;
        }
    }

    /// <summary>
    /// Whether a batch that repeats one of its producer's last five batches on the partition (same producer id
    /// and epoch, same first and last sequence: a retry of a batch that was appended) is answered
    /// DUPLICATE_SEQUENCE_NUMBER. False by default: as current brokers do, it is answered with no error and the
    /// original batch's base offset, and nothing is appended; current brokers never send DUPLICATE_SEQUENCE_NUMBER,
    /// but clients still handle it (the Java client as success), so this switch tests that path.
    /// </summary>
    public bool AnswerDuplicateSequenceNumber { get; set; }

    /// <summary>
    /// Whether a partition that has no state for a producer (it never wrote there, or <see cref="ForgetProducer"/>)
    /// accepts its batch at any sequence, as brokers since Kafka 2.5 do (KIP-360). False by default: a batch
    /// that does not start at sequence 0 is answered UNKNOWN_PRODUCER_ID, as brokers before 2.5 did, so that a
    /// test can drive a producer through that error.
    /// </summary>
    public bool AcceptAnySequenceFromUnknownProducers { get; set; }

    /// <summary>
    /// Every record appended to a partition, in offset order: exactly what a read_uncommitted consumer reading from
    /// the log start would get (aborted transactions' records included, transaction markers not: their offsets are
    /// gaps; see <see cref="Batches"/>), each once, with its offset, timestamp, key, value, headers and producer id,
    /// epoch and sequence.
    /// </summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public IReadOnlyList<ScriptedRecord> Log(string topic, int partition)
    {
        lock (_gate)
        {
            return PartitionLog(topic, partition).Records.ToArray();
        }
    }

    /// <summary>The batches appended to a partition, in offset order, each with its bytes as the producer sent them.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public IReadOnlyList<ScriptedBatch> Batches(string topic, int partition)
    {
        lock (_gate)
        {
            return PartitionLog(topic, partition).Batches.ToArray();
        }
    }

    /// <summary>A partition's log end offset: the offset its next record gets (0 for an empty log).</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public long LogEndOffset(string topic, int partition)
    {
        lock (_gate)
        {
            return PartitionLog(topic, partition).LogEndOffset;
        }
    }

    /// <summary>A partition's log start offset, which Produce v5+ reports (0: nothing is ever deleted).</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partition">The partition's index.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic or partition.</exception>
    public long LogStartOffset(string topic, int partition)
    {
        lock (_gate)
        {
            return PartitionLog(topic, partition).LogStartOffset;
        }
    }

    /// <summary>
    /// Sets a topic's <c>max.message.bytes</c>: the largest record batch (its whole size on the wire) a Produce
    /// may append to it; a larger one is answered MESSAGE_TOO_LARGE. -1 goes back to <see cref="MaxMessageBytes"/>.
    /// The setting goes with the topic when it is deleted.
    /// </summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="bytes">The limit in bytes, or -1.</param>
    /// <exception cref="ArgumentException">The cluster has no such topic.</exception>
    public void SetMaxMessageBytes(string topic, int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, -1);
        lock (_gate)
        {
            GetTopic(topic).MaxMessageBytes = bytes;
        }
    }

    /// <summary>
    /// Makes every partition forget <paramref name="producerId"/>, as a broker does when retention has deleted
    /// the producer's last records: its next batch on each partition is answered UNKNOWN_PRODUCER_ID unless it
    /// starts at sequence 0, which a producer does after resetting its sequences (KIP-360), or
    /// <see cref="AcceptAnySequenceFromUnknownProducers"/> is set. Transactional ids
    /// keep their producer id and epoch (see <see cref="ScriptedCluster"/>'s InitProducerId notes).
    /// </summary>
    /// <param name="producerId">The producer id.</param>
    public void ForgetProducer(long producerId)
    {
        lock (_gate)
        {
            foreach (var topic in _topics.Values)
            {
                topic.ForgetProducer(producerId);
            }
        }
    }

    // The default answer to a Produce: null for acks=0 with nothing wrong (no response at all), a disconnect
    // for acks=0 with an error (how a broker tells a producer that expects no answer), else the response.
    private BrokerReply AnswerProduce(int nodeId, ProduceRequest request, short version, DateTimeOffset now)
    {
        var response = new ProduceResponse();
        lock (_gate)
        {
            var leaders = new SortedSet<int>();
            foreach (var topicData in request.TopicData)
            {
                var topicResponse = new TopicProduceResponse { Name = topicData.Name };
                foreach (var partitionData in topicData.PartitionData)
                {
                    var answer = ProduceToPartition(nodeId, request.Acks, request.TransactionalId, topicData.Name, partitionData, version, now);
                    topicResponse.PartitionResponses.Add(answer);
                    if (answer.ErrorCode == (short)ErrorCode.NotLeaderOrFollower && answer.CurrentLeader.LeaderId >= 0)
                    {
                        leaders.Add(answer.CurrentLeader.LeaderId);
                    }
                }

                response.Responses.Add(topicResponse);
            }

            // KIP-951: where the leaders named in NOT_LEADER_OR_FOLLOWER answers listen (v10+; dropped before).
            response.NodeEndpoints = leaders
                .Select(id => _brokers.GetValueOrDefault(id))
                .Where(b => b is not null && (b.IsUp || !DownBrokersLeaveMetadata))
                .Select(b => new NodeEndpoint { NodeId = b!.NodeId, Host = b.Endpoint.Host, Port = b.Endpoint.Port, Rack = b.Rack })
                .ToList();

            // Fetches waiting for data may have it now.
            WakeFetchesLocked();
        }

        if (request.Acks == 0)
        {
            return response.Responses.Any(t => t.PartitionResponses.Any(p => p.ErrorCode != 0)) ? BrokerReply.Disconnect() : BrokerReply.Silence;
        }

        return BrokerReply.Respond(response);
    }

    // One partition, with a broker's checks in a broker's order: authorization (a topic error), existence, the
    // request-level record rules, acks, leadership, then the log's own checks and the producer's sequences.
    private PartitionProduceResponse ProduceToPartition(int nodeId, short acks, string? transactionalId, string topicName, ProduceRequest.PartitionProduceData data, short version, DateTimeOffset now)
    {
        if (_topicErrors.TryGetValue(topicName, out var topicError))
        {
            return Failed(data.Index, topicError);
        }

        if (!_topics.TryGetValue(topicName, out var topic) || (uint)data.Index >= (uint)topic.Partitions.Count)
        {
            return Failed(data.Index, ErrorCode.UnknownTopicOrPartition);
        }

        var records = data.Records ?? ReadOnlyMemory<byte>.Empty;
        var rules = ProducedBatch.CheckRequestRules(records.Span, version, out var why);
        if (rules != ErrorCode.None)
        {
            return Failed(data.Index, rules, message: why);
        }

        if (acks is not (-1 or 0 or 1))
        {
            return Failed(data.Index, ErrorCode.InvalidRequiredAcks);
        }

        var partition = topic.Partitions[data.Index];
        if (partition.LeaderId != nodeId)
        {
            var notLeader = Failed(data.Index, ErrorCode.NotLeaderOrFollower);
            notLeader.CurrentLeader = new LeaderIdAndEpoch { LeaderId = partition.LeaderId, LeaderEpoch = partition.LeaderEpoch };
            return notLeader;
        }

        var log = topic.Log(data.Index);
        var maxMessageBytes = topic.MaxMessageBytes >= 0 ? topic.MaxMessageBytes : _maxMessageBytes;
        var decoded = ProducedBatch.Decode(records, maxMessageBytes, out var batches, out var message);
        if (decoded != ErrorCode.None)
        {
            // Validation errors after the size and CRC checks carry the log start offset, as Kafka's do.
            return Failed(data.Index, decoded, decoded == ErrorCode.InvalidRecord ? log.LogStartOffset : -1, message);
        }

        // A transactional batch goes only to a partition in its producer's open transaction (added by v12 itself).
        foreach (var batch in batches.Where(b => b.IsTransactional))
        {
            var transactional = CheckTransactionalBatch(batch, new TopicPartition(topicName, data.Index), transactionalId, version, now);
            if (transactional != ErrorCode.None)
            {
                return Failed(data.Index, transactional, log.LogStartOffset);
            }
        }

        var result = log.Append(batches, nodeId, partition.LeaderEpoch, now, AnswerDuplicateSequenceNumber, AcceptAnySequenceFromUnknownProducers);
        if (result.Error != ErrorCode.None)
        {
            // Producer-state errors carry the log start offset (Produce v5+), so that a producer can tell
            // a real gap from records removed by retention.
            return Failed(data.Index, result.Error, log.LogStartOffset);
        }

        return new PartitionProduceResponse
        {
            Index = data.Index,
            BaseOffset = result.BaseOffset,
            LogAppendTimeMs = result.LogAppendTime,
            LogStartOffset = log.LogStartOffset,
        };
    }

    private static PartitionProduceResponse Failed(int partition, ErrorCode error, long logStartOffset = -1, string? message = null) => new()
    {
        Index = partition,
        ErrorCode = (short)error,
        BaseOffset = -1,
        LogAppendTimeMs = -1,
        LogStartOffset = logStartOffset,
        ErrorMessage = message,
    };

    private ScriptedPartitionLog PartitionLog(string topic, int partition)
    {
        var state = GetTopic(topic);
        if ((uint)partition >= (uint)state.Partitions.Count)
        {
            throw new ArgumentException($"Topic '{topic}' of the scripted cluster has no partition {partition}; it has {state.Partitions.Count}.", nameof(partition));
        }

        return state.Log(partition);
    }

    // A topic's logs and settings, beside its partitions (ScriptedCluster.Topics.cs).
    private sealed partial class TopicState
    {
        private readonly List<ScriptedPartitionLog> _logs = new();

        /// <summary>The topic's <c>max.message.bytes</c>, or -1 for the cluster's.</summary>
        public int MaxMessageBytes { get; set; } = -1;

        /// <summary>Partition <paramref name="partition"/>'s log (made when first needed: partitions can be added).</summary>
        public ScriptedPartitionLog Log(int partition)
        {
            while (_logs.Count <= partition)
            {
                _logs.Add(new ScriptedPartitionLog());
            }

            return _logs[partition];
        }

        public void ForgetProducer(long producerId)
        {
            foreach (var log in _logs)
            {
                log.Forget(producerId);
            }
        }
    }
}
