// The Confluent.Kafka peer of RxKafka's side-by-side producer benchmark (docs/benchmarks.md).
//
//   ConfluentProducer --bootstrap HOST:PORT,... --topic NAME [--records 1000000] [--value-bytes 100]
//                     [--compression none|lz4|...] [--acks 1] [--linger-ms 5] [--batch-size 1000000]
//                     [--warmup 10000] [--librdkafka PATH] [--set key=value]...
//
// Fire-and-forget Produce of N records (no key, a value of random bytes) with a delivery handler
// counting the reports, then Flush. Before the measured run, --warmup records are produced and
// flushed the same way (connections, metadata, JIT), and are not counted. The measured interval
// runs from the first measured Produce to the last delivery report; over it, wall time
// (Stopwatch), process CPU time (Environment.CpuUsage: getrusage, every thread, librdkafka's
// native ones included), managed allocation (GC.GetTotalAllocatedBytes) and the CPU time of the whole
// machine (/proc/stat, to tell what else was running). One JSON line on
// standard output; diagnostics on standard error. Exit code 0 when every record was delivered.
//
// librdkafka is the linux-x64 native library of the librdkafka.redist package Confluent.Kafka
// depends on, unless --librdkafka names another file (loaded with Confluent.Kafka's Library.Load, with
// its "libdl" import resolved to Debian's libdl.so.2).
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Confluent.Kafka;

if (PeerArguments.Parse(args, "ConfluentProducer") is not { } run)
{
    return 2;
}

if (run.DeliveryCallback)
{
    Console.Error.WriteLine("ConfluentProducer: --delivery-callback is RxKafka's peer's (this peer always has a delivery handler)");
    return 2;
}

var (topic, records, warmup, library) = (run.Topic, run.Records, run.Warmup, run.Library);
if (library is not null)
{
    // Library.Load(path) dlopens the file through a P/Invoke of "libdl", which Debian names libdl.so.2
    // (libdl.so comes only with the -dev package); then Confluent.Kafka binds its "librdkafka" imports,
    // which would otherwise find the redist package's copy: both names are resolved here.
    var native = NativeLibrary.Load(Path.GetFullPath(library));
    NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, (name, assembly, searchPath) => name switch
    {
        "libdl" => NativeLibrary.Load("libdl.so.2"),
        _ when name.Contains("librdkafka", StringComparison.Ordinal) => native,
        _ => 0,
    });
    Library.Load(Path.GetFullPath(library));
}

var config = new ProducerConfig
{
    BootstrapServers = run.Bootstrap,
    ClientId = "confluent-bench",
    Acks = run.Acks switch { "0" => Acks.None, "1" => Acks.Leader, "all" or "-1" => Acks.All, _ => throw new ArgumentException($"--acks {run.Acks}") },
    EnableIdempotence = false,
    LingerMs = run.LingerMs,
    BatchSize = run.BatchSize,
    CompressionType = Enum.Parse<CompressionType>(run.Compression, ignoreCase: true),
};
// bench.transaction.records=N is the benchmark's, not librdkafka's: with transactional.id, N records per
// transaction (default: all of a pass in one), each committed before the next begins.
long? transactionRecords = null;
foreach (var (key, value) in run.Settings)
{
    if (key == "bench.transaction.records")
    {
        transactionRecords = long.Parse(value, CultureInfo.InvariantCulture);
        continue;
    }

    config.Set(key, value);
}

var transactional = config.TransactionalId is not null;
long transactions = 0;

// Values: a pool of distinct random arrays, cycled (Produce copies the value into librdkafka, so a
// message can be reused as soon as Produce returns). Random bytes do not compress: lz4 costs its
// CPU and saves nothing, for every client alike.
const int Pool = 1024;
var random = new Random(42);
var messages = new Message<Null, byte[]>[Pool];
for (var i = 0; i < messages.Length; i++)
{
    var value = new byte[run.ValueBytes];
    random.NextBytes(value);
    messages[i] = new Message<Null, byte[]> { Value = value };
}

var counter = new DeliveryCounter();
long queueFullWaits = 0;
using var producer = new ProducerBuilder<Null, byte[]>(config)
    .SetErrorHandler((_, error) => Console.Error.WriteLine($"ConfluentProducer: {error.Code}: {error.Reason}"))
    .Build();
Action<DeliveryReport<Null, byte[]>> onDelivery = counter.OnDelivery;
if (transactional)
{
    producer.InitTransactions(TimeSpan.FromSeconds(60));
}

// Transactional: the records in transactions of transactionRecords, each committed (the commit flushes it);
// otherwise all of them, then a flush.
void ProduceAndFlush(long count)
{
    if (!transactional)
    {
        ProduceAll(count);
        FlushAll();
        return;
    }

    for (long done = 0; done < count;)
    {
        var size = Math.Min(transactionRecords ?? count, count - done);
        producer.BeginTransaction();
        ProduceAll(size);
        producer.CommitTransaction(TimeSpan.FromSeconds(60));
        transactions++;
        done += size;
    }
}

void ProduceAll(long count)
{
    for (long i = 0; i < count; i++)
    {
        var message = messages[i % Pool];
        while (true)
        {
            try
            {
                producer.Produce(topic, message, onDelivery);
                break;
            }
            catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // queue.buffering.max.messages (default 100,000) reached: wait for deliveries.
                queueFullWaits++;
                Thread.Sleep(1);
            }
        }
    }
}

void FlushAll()
{
    while (producer.Flush(TimeSpan.FromSeconds(10)) > 0)
    {
        Console.Error.WriteLine($"ConfluentProducer: still flushing ({counter.Delivered} delivered)");
    }
}

if (warmup > 0)
{
    counter.Reset(warmup);
    ProduceAndFlush(warmup);
    if (counter.Errors > 0)
    {
        Console.Error.WriteLine($"ConfluentProducer: {counter.Errors} warm-up deliveries failed, first: {counter.FirstError}");
        return 1;
    }
}

counter.Reset(records);
queueFullWaits = 0;
transactions = 0;
var interval = new MeasuredInterval();
ProduceAndFlush(records);
// Transactional, the interval ends when the last commit returns, after the last delivery report.
var (ended, cpuAfter) = transactional ? (Stopwatch.GetTimestamp(), Environment.CpuUsage) : counter.LastReport;
interval.WriteJson("confluent", $"Confluent.Kafka {typeof(IProducer<,>).Assembly.GetName().Version?.ToString(3)}, librdkafka {Library.VersionString}", run, ended, cpuAfter, json =>
{
    json.WriteNumber("transactions", transactions);
    json.WriteString("librdkafka_file", LoadedLibrdkafka());
    json.WriteNumber("delivered", counter.Delivered);
    json.WriteNumber("delivery_errors", counter.Errors);
    json.WriteNumber("queue_full_waits", queueFullWaits);
});

if (counter.Errors > 0)
{
    Console.Error.WriteLine($"ConfluentProducer: {counter.Errors} deliveries failed, first: {counter.FirstError}");
}

return counter.Errors == 0 && counter.Delivered == records ? 0 : 1;

// The librdkafka file this process mapped (from /proc/self/maps), or "unknown".
static string LoadedLibrdkafka()
{
    try
    {
        return File.ReadLines("/proc/self/maps").Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].Contains("librdkafka", StringComparison.Ordinal))
            .Select(fields => fields[5]).FirstOrDefault() ?? "unknown";
    }
    catch (IOException)
    {
        return "unknown";
    }
}

/// <summary>Counts delivery reports (called on Confluent.Kafka's poll thread) and notes when the last one came.</summary>
internal sealed class DeliveryCounter
{
    private long _expected;
    private long _delivered;
    private long _errors;

    public long Delivered => Volatile.Read(ref _delivered);

    public long Errors => Volatile.Read(ref _errors);

    public string? FirstError { get; private set; }

    /// <summary>The Stopwatch timestamp and process CPU usage at the last expected report.</summary>
    public (long Timestamp, Environment.ProcessCpuUsage Cpu) LastReport { get; private set; }

    public void Reset(long expected)
    {
        _expected = expected;
        _delivered = 0;
        _errors = 0;
        FirstError = null;
    }

    public void OnDelivery(DeliveryReport<Null, byte[]> report)
    {
        if (report.Error.IsError && Interlocked.Increment(ref _errors) == 1)
        {
            FirstError = $"{report.Error.Code}: {report.Error.Reason}";
        }

        if (Interlocked.Increment(ref _delivered) == _expected)
        {
            LastReport = (Stopwatch.GetTimestamp(), Environment.CpuUsage);
        }
    }
}
