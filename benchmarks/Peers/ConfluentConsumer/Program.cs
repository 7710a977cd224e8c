// Confluent.Kafka's consumer in the side-by-side consumer benchmark (docs/benchmarks.md, "The side-by-side
// consumer benchmark"): assigns every partition of --topic at the beginning, reads --records records with
// Consume(timeout) to warm up (at least --warmup-passes times, default 1, and until the JIT is quiet: WarmUp in
// PeerRun.cs) and then --passes times (default 1) measured, each pass a new assignment at the beginning, and prints
// one JSON line (per-record figures over every measured record).
//
//   ConfluentConsumer --bootstrap HOST:PORT --topic T --records N [--warmup-passes W] [--passes P] [--set key=value]...
//
// --set passes librdkafka settings (fetch.max.bytes, max.partition.fetch.bytes, fetch.wait.max.ms,
// fetch.queue.backoff.ms, ...).
using System.Diagnostics;
using Confluent.Kafka;

if (PeerArguments.Parse(args, "ConfluentConsumer", takesPasses: true) is not { } run)
{
    return 2;
}

var config = new ConsumerConfig
{
    BootstrapServers = run.Bootstrap,
    // Assign needs no group, but librdkafka's consumer wants a group.id; nothing is committed.
    GroupId = "consume-bench",
    EnableAutoCommit = false,
    EnableAutoOffsetStore = false,
};
foreach (var (key, value) in run.Settings)
{
    config.Set(key, value);
}

using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
using (var admin = new DependentAdminClientBuilder(consumer.Handle).Build())
{
    var metadata = admin.GetMetadata(run.Topic, TimeSpan.FromSeconds(30));
    var partitions = metadata.Topics.Single().Partitions.Select(p => new TopicPartitionOffset(run.Topic, p.PartitionId, Offset.Beginning)).ToList();

    var warmUp = new WarmUp(run);
    do
    {
        Pass(partitions);
    }
    while (!warmUp.Done());

    var interval = new MeasuredInterval();
    var bytes = 0L;
    for (var pass = 0; pass < run.Passes; pass++)
    {
        bytes += Pass(partitions);
    }

    var ended = Stopwatch.GetTimestamp();
    var cpu = Environment.CpuUsage;
    interval.WriteJson("confluent", Library.VersionString, run, ended, cpu, json =>
    {
        json.WriteNumber("value_bytes_read", bytes);
        json.WriteNumber("partitions", partitions.Count);
        json.WriteString("fetch_queue_backoff_ms", run.Settings.LastOrDefault(s => s.Key == "fetch.queue.backoff.ms").Value ?? "default");
    }, warmUp);
}

return 0;

long Pass(List<TopicPartitionOffset> partitions)
{
    // Assign again at the beginning: a new position for every partition, what was prefetched is dropped.
    consumer.Assign(partitions);
    var (records, read) = (0L, 0L);
    while (records < run.Records)
    {
        var result = consumer.Consume(TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException($"no record within 10 s after {records:N0}");
        read += result.Message.Value?.Length ?? 0;
        records++;
    }

    consumer.Unassign();
    return read;
}
