// RxKafka's consumer in the side-by-side consumer benchmark (docs/benchmarks.md, "The side-by-side consumer
// benchmark"): reads --records records of --topic from the beginning of every partition through ConsumeAsync
// (the IAsyncEnumerable face) to warm up (at least --warmup-passes times, default 1, and until the JIT is quiet:
// WarmUp in PeerRun.cs) and then --passes times (default 1) measured, each pass a new consumer assigned at the
// beginning, and prints one JSON line (per-record figures over every measured record).
//
//   RxKafkaConsumer --bootstrap HOST:PORT --topic T --records N [--warmup-passes W] [--passes P] [--set key=value]...
//
// --set passes Kafka config names to ConsumerOptions.FromConfig (fetch.max.bytes, max.partition.fetch.bytes,
// fetch.wait.max.ms, ...); "face=batches", "face=observable" or "face=raw" (ConsumeRawAsync, no deserializer,
// no per-record allocation) reads through another face. The JSON line adds the measuring thread's own
// allocation (GC.GetAllocatedBytesForCurrentThread, alloc_bytes_per_record_this_thread): for the raw face that
// is the loop that reads the records, whose per-record allocation must be 0.
using System.Diagnostics;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka;
using RxKafka.Client;
using RxKafka.Consumer;
using RxKafka.Serialization;

if (PeerArguments.Parse(args, "RxKafkaConsumer", takesPasses: true) is not { } run)
{
    return 2;
}

var face = run.Settings.LastOrDefault(s => s.Key == "face").Value ?? "records";
var config = run.Settings.Where(s => s.Key != "face").ToDictionary(s => s.Key, s => s.Value);
config["bootstrap.servers"] = run.Bootstrap;
config["auto.offset.reset"] = "earliest";
var options = ConsumerOptions.FromConfig(config);
await using var client = new KafkaClient(options.Client);
await client.BootstrapAsync();
var topic = await client.WaitForTopicAsync(run.Topic);
var partitions = topic.Partitions.Select(p => new TopicPartition(run.Topic, p.Partition)).ToList();

long rawLoopAllocated = 0;

// Warm-up: connections, metadata, JIT tiers, pools; a consumer of its own per pass on the same client.
var warmUp = new WarmUp(run);
do
{
    await PassAsync();
}
while (!warmUp.Done());

rawLoopAllocated = 0;
var interval = new MeasuredInterval();
var bytes = 0L;
for (var pass = 0; pass < run.Passes; pass++)
{
    bytes += await PassAsync();
}

var ended = Stopwatch.GetTimestamp();
var cpu = Environment.CpuUsage;
interval.WriteJson("rxkafka", typeof(KafkaConsumer<,>).Assembly.GetName().Version?.ToString() ?? "", run, ended, cpu, json =>
{
    json.WriteString("face", face);
    if (face == "raw")
    {
        json.WriteNumber("alloc_bytes_per_record_this_thread", (double)rawLoopAllocated / run.MeasuredRecords);
    }

    json.WriteNumber("value_bytes_read", bytes);
    json.WriteNumber("partitions", partitions.Count);
}, warmUp);
return 0;

async Task<long> PassAsync()
{
    await using var consumer = new KafkaConsumer<byte[]?, byte[]?>(client, options, Deserializers.ByteArray, Deserializers.ByteArray);
    consumer.Assign(partitions);
    var (records, read) = (0L, 0L);
    switch (face)
    {
        case "batches":
            await foreach (var batch in consumer.ConsumeBatchesAsync())
            {
                foreach (var record in batch)
                {
                    read += record.Value?.Length ?? 0;
                    if (++records == run.Records)
                    {
                        return read;
                    }
                }
            }

            break;
        case "observable":
            await consumer.Consume().TakeWhile(record =>
            {
                read += record.Value?.Length ?? 0;
                return ++records < run.Records;
            }).LastOrDefaultAsync().ToTask();
            break;
        case "raw":
            await foreach (var batch in consumer.ConsumeRawAsync())
            {
                // Measured around the synchronous reading of each batch only: the awaits between batches may
                // resume on other threads, whose allocations this thread's counter would miss or mix in.
                var before = GC.GetAllocatedBytesForCurrentThread();
                var done = false;
                foreach (var record in batch)
                {
                    read += record.Value.Length;
                    if (++records == run.Records)
                    {
                        done = true;
                        break;
                    }
                }

                rawLoopAllocated += GC.GetAllocatedBytesForCurrentThread() - before;
                if (done)
                {
                    return read;
                }
            }

            break;
        default:
            await foreach (var record in consumer.ConsumeAsync())
            {
                read += record.Value?.Length ?? 0;
                if (++records == run.Records)
                {
                    break;
                }
            }

            break;
    }

    return read;
}
