namespace RxKafka.Consumer;

/// <summary>
/// What an application does with a Kafka consumer: choose partitions, move positions, and read records
/// through one of three faces. <see cref="KafkaConsumer{TKey, TValue}"/> is the one that talks to Kafka;
/// code that takes this interface can be given a fake in its own tests.
/// </summary>
/// <typeparam name="TKey">The keys' type.</typeparam>
/// <typeparam name="TValue">The values' type.</typeparam>
public interface IKafkaConsumer<TKey, TValue> : IAsyncDisposable
{
    /// <summary>The partitions assigned now.</summary>
    IReadOnlyList<TopicPartition> Assignment { get; }

    /// <summary>
    /// Each partition's lag (the offsets between its position and its end) as fetch answers report the end: hot,
    /// from the fetch sinks, never per record. Also a gauge, <c>rxkafka.consumer.lag</c>, on the
    /// <c>RxKafka.Consumer</c> meter.
    /// </summary>
    IObservable<PartitionLag> Lag { get; }

    /// <summary>The lag of every assigned partition whose end is known, now.</summary>
    IReadOnlyList<PartitionLag> CurrentLag { get; }

    /// <summary>The partitions paused now.</summary>
    IReadOnlyList<TopicPartition> Paused { get; }

    /// <summary>
    /// Records of the assigned partitions, pulled (R1): fetching runs ahead by at most the prefetch bound, so
    /// an enumeration that pauses holds fetching too. Asking for the next record marks the previous one
    /// processed (what a commit commits). A record or partition that cannot be read ends the enumeration with
    /// a <see cref="ConsumeException"/> naming it; the position stays there, and a new enumeration (after a
    /// <see cref="Seek"/> past it, to skip it) goes on.
    /// </summary>
    /// <param name="cancellationToken">Ends the enumeration (with <see cref="OperationCanceledException"/> while it waits for records).</param>
    /// <exception cref="InvalidOperationException">Another face is reading this consumer.</exception>
    IAsyncEnumerable<ConsumeResult<TKey, TValue>> ConsumeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="ConsumeAsync"/> in batches: the records of one fetched chunk of one partition at a time, at most
    /// <paramref name="maxBatchSize"/> each, in offset order. Asking for the next batch marks the previous one processed.
    /// </summary>
    /// <param name="maxBatchSize">The most records in one batch.</param>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <exception cref="InvalidOperationException">Another face is reading this consumer.</exception>
    IAsyncEnumerable<IReadOnlyList<ConsumeResult<TKey, TValue>>> ConsumeBatchesAsync(int maxBatchSize = 10_000, CancellationToken cancellationToken = default);

    /// <summary>
    /// The raw face: the records of one fetched chunk of one partition at a time, pulled, as views over the
    /// fetched bytes (keys, values and headers as spans; no deserializer runs, nothing is allocated per
    /// record). A <see cref="RawRecordBatch"/> and its records are valid until the next batch is asked for;
    /// asking for it marks the records enumerated so far processed, and records not enumerated are fetched
    /// again. Control batches and, under read_committed, aborted transactions are skipped as on the other faces.
    /// <code>
    /// await foreach (var batch in consumer.ConsumeRawAsync(token))
    /// {
    ///     foreach (var record in batch)
    ///     {
    ///         Handle(record.Key, record.Value, record.Offset);
    ///     }
    /// }
    /// </code>
    /// </summary>
    /// <param name="cancellationToken">Ends the enumeration (with <see cref="OperationCanceledException"/> while it waits for records).</param>
    /// <exception cref="InvalidOperationException">Another face is reading this consumer, or <c>enable.auto.offset.store</c> is false (raw records cannot be acknowledged one by one).</exception>
    IAsyncEnumerable<RawRecordBatch> ConsumeRawAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records of the assigned partitions, pushed (R1), on the scheduler, one observer call at a time. The
    /// backpressure is the prefetch bound (R2): while <c>OnNext</c> runs no further record is delivered,
    /// fetched records wait up to the bound, and fetching pauses per partition at it. A record marks processed
    /// when its <c>OnNext</c> returns. A record or partition that cannot be read ends the stream with a
    /// <see cref="ConsumeException"/>; completes when the consumer is disposed. One subscription at a time.
    /// </summary>
    IObservable<ConsumeResult<TKey, TValue>> Consume();

    /// <summary>
    /// One observable per partition (R1), emitted when the partition first has records: each delivers its
    /// partition's records in order on a loop of its own, so partitions are processed concurrently. A group
    /// completes when its partition is revoked (<see cref="IncrementalUnassign"/>, <see cref="Unassign"/>)
    /// and fails alone when its partition fails. One subscription at a time.
    /// </summary>
    IObservable<System.Reactive.Linq.IGroupedObservable<TopicPartition, ConsumeResult<TKey, TValue>>> ConsumePartitions();

    /// <summary>
    /// Joins the consumer group (<c>group.id</c>) for these topics: the group's assignor shares their partitions
    /// among its members, and each assigned partition is read from the group's committed offset, else
    /// <c>auto.offset.reset</c> (R5). Partition changes are announced on <see cref="Rebalances"/>.
    /// </summary>
    /// <param name="topics">The topics.</param>
    /// <exception cref="InvalidOperationException">No <c>group.id</c>, or the consumer already subscribed or assigned.</exception>
    void Subscribe(IEnumerable<string> topics);

    /// <summary>
    /// <see cref="Subscribe(IEnumerable{string})"/> for every topic whose name matches <paramref name="pattern"/>,
    /// matched against the cluster's metadata as it changes (client-side): a new matching topic rejoins the group.
    /// </summary>
    /// <param name="pattern">The pattern topic names must match.</param>
    /// <exception cref="InvalidOperationException">No <c>group.id</c>, or the consumer already subscribed or assigned.</exception>
    void Subscribe(System.Text.RegularExpressions.Regex pattern);

    /// <summary>
    /// Partitions assigned, revoked and lost as the group rebalances (R8). A <see cref="PartitionsRevoked"/>
    /// observer may <see cref="PartitionsRevoked.Defer"/> the revocation until its work is done (commit on revoke).
    /// Observers run on the group's own loop, never on a read loop.
    /// </summary>
    IObservable<RebalanceEvent> Rebalances { get; }

    /// <summary>Commits what was processed of every assigned partition (R9): for each, the offset after the last record the application is done with.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="CommitFailedException">The group moved on, or the coordinator refused; names the partitions.</exception>
    /// <exception cref="InvalidOperationException">No <c>group.id</c>.</exception>
    Task CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>Commits these offsets (each the next offset to read) to the group.</summary>
    /// <param name="offsets">The partitions and offsets.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="CommitFailedException">The group moved on, or the coordinator refused; names the partitions.</exception>
    Task CommitAsync(IEnumerable<TopicPartitionOffset> offsets, CancellationToken cancellationToken = default);

    /// <summary>The group's committed offsets for these partitions (OffsetFetch); null where none.</summary>
    /// <param name="partitions">The partitions.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task<IReadOnlyDictionary<TopicPartition, long?>> CommittedAsync(IEnumerable<TopicPartition> partitions, CancellationToken cancellationToken = default);

    /// <summary>
    /// With <c>enable.auto.offset.store=false</c>: the application is done with <paramref name="result"/> (R9).
    /// Records may be acknowledged in any order, from any thread; a commit takes each partition's contiguous
    /// acknowledged prefix. A record delivered under an assignment that has ended (revoked, sought past) is
    /// dropped: false, never an error, so it cannot commit against the partition's new owner.
    /// </summary>
    /// <param name="result">A record this consumer delivered.</param>
    /// <returns>Whether the acknowledgement counts.</returns>
    /// <exception cref="InvalidOperationException"><c>enable.auto.offset.store</c> is on.</exception>
    bool Acknowledge(ConsumeResult<TKey, TValue> result);

    /// <summary>Reads exactly these partitions, each from its committed offset (with a <c>group.id</c>) else <c>auto.offset.reset</c> (R3).</summary>
    /// <param name="partitions">The partitions.</param>
    void Assign(IEnumerable<TopicPartition> partitions);

    /// <summary>Reads exactly these partitions, each from the given offset (R3).</summary>
    /// <param name="partitions">The partitions and their starting offsets.</param>
    void Assign(IEnumerable<TopicPartitionOffset> partitions);

    /// <summary>Adds partitions to the assignment, each from its committed offset, else <c>auto.offset.reset</c>.</summary>
    /// <param name="partitions">The partitions.</param>
    void IncrementalAssign(IEnumerable<TopicPartition> partitions);

    /// <summary>Removes partitions from the assignment; what was fetched for them and not delivered is dropped.</summary>
    /// <param name="partitions">The partitions.</param>
    void IncrementalUnassign(IEnumerable<TopicPartition> partitions);

    /// <summary>Removes every partition.</summary>
    void Unassign();

    /// <summary>Moves a partition's position (R3): the next record delivered from it is at <see cref="TopicPartitionOffset.Offset"/>.</summary>
    /// <param name="position">The partition and the offset.</param>
    /// <exception cref="InvalidOperationException">The partition is not assigned.</exception>
    void Seek(TopicPartitionOffset position);

    /// <summary>Moves partitions to the start of their logs (R3).</summary>
    /// <param name="partitions">The partitions.</param>
    void SeekToBeginning(IEnumerable<TopicPartition> partitions);

    /// <summary>Moves partitions to the end of their logs (the last stable offset under read_committed) (R3).</summary>
    /// <param name="partitions">The partitions.</param>
    void SeekToEnd(IEnumerable<TopicPartition> partitions);

    /// <summary>Moves partitions to their first record at or after <paramref name="timestamp"/> (ListOffsets), or to the end when there is none (R3).</summary>
    /// <param name="partitions">The partitions.</param>
    /// <param name="timestamp">The time.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task SeekAsync(IEnumerable<TopicPartition> partitions, DateTimeOffset timestamp, CancellationToken cancellationToken = default);

    /// <summary>The offset of each partition's first record at or after its time (ListOffsets); null when there is none.</summary>
    /// <param name="query">The partitions and times.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task<IReadOnlyDictionary<TopicPartition, long?>> OffsetsForTimesAsync(IEnumerable<(TopicPartition Partition, DateTimeOffset Timestamp)> query, CancellationToken cancellationToken = default);

    /// <summary>The partition's log start and end offsets, asked of its leader now.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task<(long Low, long High)> QueryWatermarkOffsetsAsync(TopicPartition partition, CancellationToken cancellationToken = default);

    /// <summary>The partition's log start offset and high watermark as the last fetch reported them; -1 when unknown.</summary>
    /// <param name="partition">The partition.</param>
    (long Low, long High) GetWatermarkOffsets(TopicPartition partition);

    /// <summary>
    /// Stops fetching and delivering partitions until <see cref="Resume"/> (R3): delivery stops at the next record,
    /// also inside a batch a face is reading; records fetched and not delivered wait, or are fetched again.
    /// </summary>
    /// <param name="partitions">The partitions.</param>
    /// <exception cref="InvalidOperationException">A partition is not assigned.</exception>
    void Pause(IEnumerable<TopicPartition> partitions);

    /// <summary>Fetches and delivers paused partitions again.</summary>
    /// <param name="partitions">The partitions.</param>
    /// <exception cref="InvalidOperationException">A partition is not assigned.</exception>
    void Resume(IEnumerable<TopicPartition> partitions);

    /// <summary>The partition's position: the offset of the next record to be delivered; null when not assigned or not known yet.</summary>
    /// <param name="partition">The partition.</param>
    long? Position(TopicPartition partition);
}
