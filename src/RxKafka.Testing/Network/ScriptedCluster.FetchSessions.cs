using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// Fetch sessions (KIP-227, Fetch v7+): each broker's bounded cache of sessions, full and incremental
// fetches, forgotten topics, and the epochs that keep a client and the broker in step.
public sealed partial class ScriptedCluster
{
    /// <summary>How many fetch sessions each broker keeps by default: Kafka's <c>max.incremental.fetch.session.cache.slots</c>, 1000.</summary>
    public const int DefaultFetchSessionCacheSlots = 1000;

    private readonly Dictionary<(int NodeId, int SessionId), FetchSession> _fetchSessions = new();
    private int _nextFetchSessionId = 1;
    private int _fetchSessionCacheSlots = DefaultFetchSessionCacheSlots;

    /// <summary>
    /// How many fetch sessions (KIP-227) each broker keeps; <see cref="DefaultFetchSessionCacheSlots"/> unless set.
    /// When a broker's cache is full, a new session takes the place of the least recently used one if that
    /// one has been idle for <see cref="FetchSessionEvictionIdle"/>, else of the smallest session with fewer
    /// partitions than the new one; failing both, the fetch is answered without a session (session id 0).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int FetchSessionCacheSlots
    {
        get => _fetchSessionCacheSlots;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _fetchSessionCacheSlots = value;
        }
    }

    /// <summary>How long a fetch session must be unused before a new one may evict it from a full cache (Kafka's 2 minutes), on the scheduler's clock.</summary>
    public TimeSpan FetchSessionEvictionIdle { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The ids of the fetch sessions broker <paramref name="nodeId"/> holds now, in ascending order.</summary>
    /// <param name="nodeId">The broker's node id.</param>
    public IReadOnlyList<int> FetchSessionIds(int nodeId)
    {
        lock (_gate)
        {
            return _fetchSessions.Keys.Where(k => k.NodeId == nodeId).Select(k => k.SessionId).Order().ToArray();
        }
    }

    // What a Fetch reads and how it is answered, from its session fields, as Kafka's FetchManager decides:
    // null (and the error) for an unknown session or a wrong epoch.
    private FetchContext? OpenFetchContext(int nodeId, FetchRequest request, short version, DateTimeOffset now, out ErrorCode error)
    {
        error = ErrorCode.None;
        var requested = request.Topics
            .SelectMany(t => t.Partitions.Select(p => new FetchTarget(version >= 13 ? null : t.Topic, version >= 13 ? t.TopicId : TopicIdOrEmpty(t.Topic), p.Partition)
            {
                FetchOffset = p.FetchOffset,
                MaxBytes = p.PartitionMaxBytes,
                CurrentLeaderEpoch = p.CurrentLeaderEpoch,
                LastFetchedEpoch = version >= 12 ? p.LastFetchedEpoch : -1,
            }))
            .ToList();
        if (version < 7 || (request.SessionId == 0 && request.SessionEpoch == -1))
        {
            return FetchContext.Sessionless(requested);
        }

        if (request.SessionEpoch == -1)
        {
            // The final epoch closes the session; the fetch itself is answered without one.
            _fetchSessions.Remove((nodeId, request.SessionId));
            return FetchContext.Sessionless(requested);
        }

        if (request.SessionEpoch == 0)
        {
            _fetchSessions.Remove((nodeId, request.SessionId));
            var created = CreateFetchSession(nodeId, requested, now);
            return created is null ? FetchContext.Sessionless(requested) : new FetchContext(created, Incremental: false);
        }

        if (!_fetchSessions.TryGetValue((nodeId, request.SessionId), out var session))
        {
            error = ErrorCode.FetchSessionIdNotFound;
            return null;
        }

        if (session.NextEpoch != request.SessionEpoch)
        {
            error = ErrorCode.InvalidFetchSessionEpoch;
            return null;
        }

        // An incremental fetch names the partitions whose fetch position changed and those to drop.
        foreach (var target in requested)
        {
            var index = session.Partitions.FindIndex(p => p.Key == target.Key);
            if (index >= 0)
            {
                session.Partitions[index].UpdateFrom(target);
            }
            else
            {
                session.Partitions.Add(target);
            }
        }

        foreach (var forgotten in request.ForgottenTopicsData)
        {
            var key = version >= 13 ? forgotten.TopicId.ToString() : forgotten.Topic;
            session.Partitions.RemoveAll(p => p.Key.Topic == key && forgotten.Partitions.Contains(p.Partition));
        }

        session.NextEpoch = request.SessionEpoch == int.MaxValue ? 1 : request.SessionEpoch + 1;
        session.LastUsed = now;
        return new FetchContext(session, Incremental: true);
    }

    private Guid TopicIdOrEmpty(string name) => _topics.TryGetValue(name, out var topic) ? topic.TopicId : Guid.Empty;

    private FetchSession? CreateFetchSession(int nodeId, List<FetchTarget> partitions, DateTimeOffset now)
    {
        var mine = _fetchSessions.Values.Where(s => s.NodeId == nodeId).ToList();
        if (mine.Count >= _fetchSessionCacheSlots)
        {
            var stale = mine.OrderBy(s => s.LastUsed).FirstOrDefault(s => now - s.LastUsed >= FetchSessionEvictionIdle);
            var smaller = mine.Where(s => s.Partitions.Count < partitions.Count).OrderBy(s => s.Partitions.Count).ThenBy(s => s.LastUsed).FirstOrDefault();
            if ((stale ?? smaller) is not { } evicted)
            {
                return null;
            }

            _fetchSessions.Remove((nodeId, evicted.Id));
        }

        var session = new FetchSession(nodeId, _nextFetchSessionId++, partitions) { LastUsed = now };
        _fetchSessions.Add((nodeId, session.Id), session);
        return session;
    }

    /// <summary>One partition a Fetch reads; in a session, also what the last response told the client of it.</summary>
    private sealed class FetchTarget(string? topicName, Guid topicId, int partition)
    {
        /// <summary>The topic's name (Fetch v0-12), or null when the request names it by id (v13+).</summary>
        public string? TopicName { get; } = topicName;

        public Guid TopicId { get; } = topicId;

        public int Partition { get; } = partition;

        public (string Topic, int Partition) Key => (TopicName ?? TopicId.ToString(), Partition);

        public long FetchOffset { get; set; }

        public int MaxBytes { get; set; }

        public int CurrentLeaderEpoch { get; set; } = -1;

        /// <summary>The epoch of the last batch the client fetched (v12+), -1 when unknown.</summary>
        public int LastFetchedEpoch { get; set; } = -1;

        private long HighWatermark { get; set; } = -1;

        private long LastStableOffset { get; set; } = -1;

        private long LogStartOffset { get; set; } = -1;

        public void UpdateFrom(FetchTarget requested) =>
            (FetchOffset, MaxBytes, CurrentLeaderEpoch, LastFetchedEpoch) = (requested.FetchOffset, requested.MaxBytes, requested.CurrentLeaderEpoch, requested.LastFetchedEpoch);

        /// <summary>
        /// Whether an incremental response must carry the partition (records, an error, or offsets that moved,
        /// as Kafka's CachedPartition decides), remembering what it carries.
        /// </summary>
        public bool MustRespond(FetchResponse.PartitionData data)
        {
            var changed = data.Records is { Length: > 0 } || data.ErrorCode != 0
                || data.HighWatermark != HighWatermark || data.LastStableOffset != LastStableOffset || data.LogStartOffset != LogStartOffset;
            Remember(data);
            return changed;
        }

        public void Remember(FetchResponse.PartitionData data) =>
            (HighWatermark, LastStableOffset, LogStartOffset) = (data.HighWatermark, data.LastStableOffset, data.LogStartOffset);
    }

    /// <summary>A broker's fetch session: its partitions in order and the epoch it expects next.</summary>
    private sealed class FetchSession(int nodeId, int id, List<FetchTarget> partitions)
    {
        public int NodeId { get; } = nodeId;

        public int Id { get; } = id;

        public List<FetchTarget> Partitions { get; } = partitions;

        public int NextEpoch { get; set; } = 1;

        public DateTimeOffset LastUsed { get; set; }
    }

    /// <summary>How one Fetch reads and answers: sessionless, a full fetch that opens a session, or an incremental one.</summary>
    private sealed record FetchContext(FetchSession? Session, bool Incremental, IReadOnlyList<FetchTarget>? Requested = null)
    {
        public IReadOnlyList<FetchTarget> Partitions => Session?.Partitions.ToArray() ?? Requested!;

        public int ResponseSessionId => Session?.Id ?? 0;

        public static FetchContext Sessionless(List<FetchTarget> requested) => new(null, Incremental: false, requested);

        /// <summary>
        /// The partitions the response carries: all of them, except that an incremental response carries only
        /// those that changed; a session remembers what it told the client, and (as Kafka rotates them) moves
        /// the partitions that returned records to the end of its order, so that the next fetches start elsewhere.
        /// </summary>
        public List<PartitionRead> Select(List<PartitionRead> reads)
        {
            if (Session is null)
            {
                return reads;
            }

            if (!Incremental)
            {
                reads.ForEach(r => r.Target.Remember(r.Data));
                return reads;
            }

            var answered = reads.Where(r => r.Target.MustRespond(r.Data)).ToList();
            foreach (var read in answered.Where(r => r.Bytes > 0))
            {
                if (Session.Partitions.Remove(read.Target))
                {
                    Session.Partitions.Add(read.Target);
                }
            }

            return answered;
        }
    }
}
