// The RxKafka side of the side-by-side producer benchmark (docs/benchmarks.md): the same arguments,
// workload and JSON line as the Confluent.Kafka peer.
//
//   RxKafkaProducer --bootstrap HOST:PORT,... --topic NAME [--records 1000000] [--value-bytes 100]
//                   [--compression none|lz4|...] [--acks 1] [--linger-ms 5] [--batch-size 1000000]
//                   [--warmup 10000] [--delivery-callback] [--set key=value]...
//
// Fire-and-forget Send of N records (no key, a value of random bytes from a pool), with no callback, so
// nothing is allocated per record; then FlushAsync, which completes when the last batch is
// acknowledged: that is the end of the measured interval. Delivered and failed records are counted
// from the producer's own meter (RxKafka.Producer), per batch. Idempotence is off, as for the peers.
// With --delivery-callback, every Send gets a callback that counts its report, as the Confluent.Kafka
// peer's delivery handler does (a DeliveryReport and a callback object are allocated per record); the
// meter still gives the totals. RXKAFKA_BENCH_FIRST_ERROR in the environment does the same and also
// prints the first failure.
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using RxKafka;
using RxKafka.Producer;
using RxKafka.Network;
using RxKafka.Serialization;

if (PeerArguments.Parse(args, "RxKafkaProducer") is not { } run)
{
    return 2;
}

var (records, warmup) = (run.Records, run.Warmup);
// --librdkafka is the Confluent.Kafka peer's: RxKafka has no native library.
// bench.transaction.records=N is the benchmark's: with transactional.id, N records per transaction (default:
// all of a pass in one), each committed before the next begins. enable.idempotence is off unless --set says.
var settings = new Dictionary<string, string>(run.Settings);
long? transactionRecords = settings.Remove("bench.transaction.records", out var perTransaction) ? long.Parse(perTransaction, CultureInfo.InvariantCulture) : null;
var config = new Dictionary<string, string>(settings)
{
    ["bootstrap.servers"] = run.Bootstrap,
    ["client.id"] = "rxkafka-bench",
    ["acks"] = run.Acks,
    ["linger.ms"] = run.LingerMs.ToString(CultureInfo.InvariantCulture),
    ["batch.size"] = run.BatchSize.ToString(CultureInfo.InvariantCulture),
    ["compression.type"] = run.Compression,
};
config.TryAdd("enable.idempotence", "false");
ProducerOptions options;
try
{
    options = ProducerOptions.FromConfig(config);
    // A batch may be as large as batch.size: let requests and buffer memory hold several.
    options = options with
    {
        MaxRequestSize = Math.Max(options.MaxRequestSize, run.BatchSize + 1024),
        BufferMemory = Math.Max(options.BufferMemory, 64L * run.BatchSize),
    };
}
catch (KafkaConfigException e)
{
    Console.Error.WriteLine($"RxKafkaProducer: {e.Message}");
    return 2;
}

const int Pool = 1024;
var random = new Random(42);
var pool = new ProducerRecord<byte[]?, byte[]?>[Pool];
for (var i = 0; i < pool.Length; i++)
{
    var value = new byte[run.ValueBytes];
    random.NextBytes(value);
    pool[i] = new ProducerRecord<byte[]?, byte[]?>(run.Topic, null, value);
}

var counts = new Counts();
using var listener = new MeterListener();
listener.InstrumentPublished = (instrument, l) =>
{
    if (instrument.Meter.Name == "RxKafka.Producer" && instrument.Name is "rxkafka.producer.records.sent" or "rxkafka.producer.records.failed")
    {
        l.EnableMeasurementEvents(instrument, counts);
    }
};
listener.SetMeasurementEventCallback<long>(static (instrument, value, _, state) => ((Counts)state!).Add(instrument.Name, value));
listener.Start();

await using var producer = new KafkaProducer<byte[]?, byte[]?>(options, Serializers.ByteArray, Serializers.ByteArray);

// With --delivery-callback (or RXKAFKA_BENCH_FIRST_ERROR), a callback per record counts the reports
// and keeps the first failure.
string? firstError = null;
long reports = 0;
Action<DeliveryReport<byte[]?, byte[]?>>? onDelivery = !run.DeliveryCallback && Environment.GetEnvironmentVariable("RXKAFKA_BENCH_FIRST_ERROR") is null
    ? null
    : report =>
    {
        Interlocked.Increment(ref reports);
        if (report.Error is { } error)
        {
            Interlocked.CompareExchange(ref firstError, $"{report.Metadata.TopicPartition}: {error.GetType().Name}: {error.Message}", null);
        }
    };

var transactional = options.IsTransactional;
long transactions = 0;
if (transactional)
{
    await producer.InitTransactionsAsync();
}

// Transactional: the records in transactions of transactionRecords, each committed (the commit flushes it);
// otherwise all of them, then a flush, which completes when the last batch is acknowledged.
async Task SendAndFlushAsync(long count)
{
    if (!transactional)
    {
        SendAll(count);
        await producer.FlushAsync();
        return;
    }

    for (long done = 0; done < count;)
    {
        var size = Math.Min(transactionRecords ?? count, count - done);
        producer.BeginTransaction();
        SendAll(size);
        await producer.CommitTransactionAsync();
        transactions++;
        done += size;
    }
}

void SendAll(long count)
{
    for (long i = 0; i < count; i++)
    {
        producer.Send(pool[i % Pool], onDelivery);
    }
}

if (warmup > 0)
{
    // The first record waits for metadata; the rest follow the same way.
    if (!transactional)
    {
        await producer.ProduceAsync(pool[0]);
        warmup--;
    }

    await SendAndFlushAsync(warmup);
    if (counts.Failed > 0)
    {
        Console.Error.WriteLine($"RxKafkaProducer: {counts.Failed} warm-up records failed");
        return 1;
    }
}

counts.Reset();
Interlocked.Exchange(ref reports, 0);
// RXKAFKA_BENCH_ALLOC_TYPES in the environment: which types the measured interval allocates (the
// runtime's allocation ticks, about one per 100 KB), on standard error at the end.
using var allocationTypes = Environment.GetEnvironmentVariable("RXKAFKA_BENCH_ALLOC_TYPES") is null ? null : new AllocationTypes();
transactions = 0;
var interval = new MeasuredInterval();
await SendAndFlushAsync(records);
interval.WriteJson("rxkafka", $"RxKafka {typeof(KafkaProducer<,>).Assembly.GetName().Version?.ToString(3)}", run, Stopwatch.GetTimestamp(), Environment.CpuUsage, json =>
{
    json.WriteNumber("transactions", transactions);
    json.WriteBoolean("delivery_callback", onDelivery is not null);
    if (onDelivery is not null)
    {
        json.WriteNumber("delivery_reports", Interlocked.Read(ref reports));
    }

    json.WriteNumber("delivered", counts.Sent);
    json.WriteNumber("delivery_errors", counts.Failed);
});

allocationTypes?.Print();
if (firstError is not null)
{
    Console.Error.WriteLine($"RxKafkaProducer: first failure: {firstError}");
}

return counts.Failed == 0 && counts.Sent == records && (onDelivery is null || Interlocked.Read(ref reports) == records) ? 0 : 1;

/// <summary>Records sent and failed, from the producer's meter (counted per batch).</summary>
internal sealed class Counts
{
    private long _sent;
    private long _failed;

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public void Add(string instrument, long value)
    {
        if (instrument == "rxkafka.producer.records.sent")
        {
            Interlocked.Add(ref _sent, value);
        }
        else
        {
            Interlocked.Add(ref _failed, value);
        }
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _sent, 0);
        Interlocked.Exchange(ref _failed, 0);
    }
}

/// <summary>The runtime's GC allocation ticks by type (a diagnostic for RXKAFKA_BENCH_ALLOC_TYPES).</summary>
internal sealed class AllocationTypes : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, long> _bytes = new();

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.PayloadNames is null)
        {
            return;
        }

        var type = e.Payload![e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        if (type == "System.Byte[]" && e.PayloadNames.IndexOf("ObjectSize") is >= 0 and var at)
        {
            // Arrays by size (rounded up to a power of two): which buffers they are.
            type += $" of about {System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Convert.ToUInt64(e.Payload[at], CultureInfo.InvariantCulture)):N0} bytes";
        }

        var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture);
        lock (_bytes)
        {
            _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
        }
    }

    public void Print()
    {
        lock (_bytes)
        {
            foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(20))
            {
                Console.Error.WriteLine($"alloc ~{bytes / 1024,10:N0} KB  {type}");
            }
        }
    }
}
