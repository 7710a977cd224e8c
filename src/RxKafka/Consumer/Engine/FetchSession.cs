using RxKafka.Protocol.Messages;

namespace RxKafka.Consumer.Engine;

/// <summary>
/// The client's half of a KIP-227 incremental fetch session with one broker. The first fetch is full and
/// asks for a session; while the broker keeps it, each next fetch names only the partitions whose fetch
/// state changed (new, or a new offset or epoch) and forgets those no longer fetched, and the broker answers
/// only partitions with something to say. A session error, a failed request or a switch between topic names
/// and topic ids starts again with a full fetch.
/// </summary>
internal sealed class FetchSession
{
    private readonly Dictionary<TopicPartition, (long Offset, int Epoch, int LastFetchedEpoch, Guid TopicId)> _sent = new();
    private int _id;
    private int _epoch;
    private bool _topicIds;

    /// <summary>The session id (0: none).</summary>
    public int Id => _id;

    /// <summary>Fills <paramref name="request"/> for <paramref name="targets"/>: session id and epoch, the partitions to send and the ones to forget (with their last fetched epochs when <paramref name="lastFetchedEpochs"/>: Fetch v12+).</summary>
    public void Build(FetchRequest request, List<FetchTarget> targets, int partitionMaxBytes, bool useTopicIds, bool sessions, bool lastFetchedEpochs = true)
    {
        if (!sessions || useTopicIds != _topicIds)
        {
            Reset();
            _topicIds = useTopicIds;
        }

        var full = _id == 0;
        request.SessionId = _id;
        request.SessionEpoch = sessions ? (full ? 0 : _epoch) : -1;
        var wanted = new HashSet<TopicPartition>();
        var topics = new Dictionary<string, FetchRequest.FetchTopic>();
        foreach (var target in targets)
        {
            var partition = target.State.Partition;
            wanted.Add(partition);
            var state = (target.FetchOffset, target.LeaderEpoch, target.LastFetchedEpoch, target.TopicId);
            if (!full && _sent.TryGetValue(partition, out var previous) && previous == state)
            {
                continue;
            }

            _sent[partition] = state;
            if (!topics.TryGetValue(partition.Topic, out var topic))
            {
                topic = new FetchRequest.FetchTopic { Topic = partition.Topic, TopicId = target.TopicId };
                topics.Add(partition.Topic, topic);
                request.Topics.Add(topic);
            }

            topic.Partitions.Add(new FetchRequest.FetchPartition
            {
                Partition = partition.Partition,
                FetchOffset = target.FetchOffset,
                CurrentLeaderEpoch = target.LeaderEpoch,
                LastFetchedEpoch = lastFetchedEpochs ? target.LastFetchedEpoch : -1,
                LogStartOffset = -1,
                PartitionMaxBytes = partitionMaxBytes,
            });
        }

        if (full)
        {
            return;
        }

        // Partitions the session holds but this fetch does not want (paused, full, moved, revoked) are forgotten.
        var forgotten = new Dictionary<string, FetchRequest.ForgottenTopic>();
        foreach (var partition in _sent.Keys.Where(p => !wanted.Contains(p)).ToList())
        {
            var topicId = _sent[partition].TopicId;
            _sent.Remove(partition);
            if (!forgotten.TryGetValue(partition.Topic, out var topic))
            {
                topic = new FetchRequest.ForgottenTopic { Topic = partition.Topic, TopicId = topicId };
                forgotten.Add(partition.Topic, topic);
                request.ForgottenTopicsData.Add(topic);
            }

            topic.Partitions.Add(partition.Partition);
        }
    }

    /// <summary>The broker answered: keep its session (or note it made none) and move to the next epoch.</summary>
    /// <returns>False when the answer is a session error: the next fetch is full.</returns>
    public bool OnResponse(FetchResponse response)
    {
        var error = (ErrorCode)response.ErrorCode;
        if (error is ErrorCode.FetchSessionIdNotFound or ErrorCode.InvalidFetchSessionEpoch or ErrorCode.FetchSessionTopicIdError)
        {
            Reset();
            return false;
        }

        if (_id == 0)
        {
            _id = response.SessionId;
            _epoch = 1;
            if (_id == 0)
            {
                // No session made (an old broker, a full cache): every fetch stays full.
                _sent.Clear();
            }
        }
        else
        {
            _epoch = _epoch == int.MaxValue ? 1 : _epoch + 1;
        }

        return true;
    }

    /// <summary>Starts over: the next fetch is full and asks for a new session.</summary>
    public void Reset()
    {
        _id = 0;
        _epoch = 0;
        _sent.Clear();
    }

    public override string ToString() => $"session {_id} epoch {_epoch} with {_sent.Count} partition(s)";
}
