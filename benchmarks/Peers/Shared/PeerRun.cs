// Shared by the .NET peers of the side-by-side producer benchmark (linked into each project): the
// command-line contract every peer follows, and the measured interval with its JSON line
// (docs/benchmarks.md, "What is measured, and how").
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

/// <summary>The peers' common arguments.</summary>
internal sealed class PeerArguments
{
    public string Bootstrap { get; private set; } = "";

    public string Topic { get; private set; } = "";

    public long Records { get; private set; } = 1_000_000;

    public int ValueBytes { get; private set; } = 100;

    public string Compression { get; private set; } = "none";

    public string Acks { get; private set; } = "1";

    public int LingerMs { get; private set; } = 5;

    public int BatchSize { get; private set; } = 1_000_000;

    public long Warmup { get; private set; } = 10_000;

    /// <summary>
    /// <c>--passes N</c> (consumer peers): how many times the measured interval reads the <see cref="Records"/>
    /// from the beginning, after the warm-up pass; per-record figures divide by every record read. A pass of a
    /// few hundred milliseconds is swamped by fixed costs (background JIT, a collection, a timer) and by other
    /// work on the machine; several in one interval spread them thin.
    /// </summary>
    public int Passes { get; private set; } = 1;

    /// <summary>
    /// <c>--warmup-passes N</c> (consumer peers): the fewest passes read before the measured interval (default 1);
    /// see <see cref="WarmUp"/> for when the warm-up goes on.
    /// </summary>
    public int WarmupPasses { get; private set; } = 1;

    /// <summary>The records the measured interval reads: <see cref="Records"/> times <see cref="Passes"/>.</summary>
    public long MeasuredRecords => Records * Passes;

    /// <summary><c>--librdkafka PATH</c>: the native library to load (Confluent.Kafka's peer only).</summary>
    public string? Library { get; private set; }

    /// <summary><c>--delivery-callback</c>: a callback per record (RxKafka's peer only).</summary>
    public bool DeliveryCallback { get; private set; }

    /// <summary><c>--set key=value</c>, in order.</summary>
    public List<KeyValuePair<string, string>> Settings { get; } = new();

    /// <summary>
    /// Parses <paramref name="args"/>, or says what is wrong on standard error and returns null (exit code 2).
    /// <c>--passes</c> is an unknown argument unless <paramref name="takesPasses"/> (the consumer peers).
    /// </summary>
    public static PeerArguments? Parse(string[] args, string program, bool takesPasses = false)
    {
        var parsed = new PeerArguments();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                long Number() => long.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
                switch (args[i])
                {
                    case "--bootstrap": parsed.Bootstrap = Value(); break;
                    case "--topic": parsed.Topic = Value(); break;
                    case "--records": parsed.Records = Number(); break;
                    case "--value-bytes": parsed.ValueBytes = checked((int)Number()); break;
                    case "--compression": parsed.Compression = Value(); break;
                    case "--acks": parsed.Acks = Value(); break;
                    case "--linger-ms": parsed.LingerMs = checked((int)Number()); break;
                    case "--batch-size": parsed.BatchSize = checked((int)Number()); break;
                    case "--warmup": parsed.Warmup = Number(); break;
                    case "--passes" when takesPasses: parsed.Passes = checked((int)Number()); break;
                    case "--warmup-passes" when takesPasses: parsed.WarmupPasses = checked((int)Number()); break;
                    case "--librdkafka": parsed.Library = Value(); break;
                    case "--delivery-callback": parsed.DeliveryCallback = true; break;
                    case "--set":
                        var setting = Value();
                        var eq = setting.IndexOf('=');
                        if (eq <= 0)
                        {
                            throw new ArgumentException($"--set needs key=value, got '{setting}'");
                        }

                        parsed.Settings.Add(new(setting[..eq], setting[(eq + 1)..]));
                        break;
                    default: throw new ArgumentException($"unknown argument '{args[i]}'");
                }
            }

            if (parsed.Bootstrap.Length == 0 || parsed.Topic.Length == 0 || parsed.Records < 1 || parsed.Passes < 1 || parsed.WarmupPasses < 0)
            {
                throw new ArgumentException("--bootstrap and --topic are required, --records and --passes must be at least 1, --warmup-passes at least 0");
            }

            return parsed;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"{program}: {e.Message}");
            return null;
        }
    }
}

/// <summary>
/// When a consumer peer's warm-up is over: after <see cref="PeerArguments.WarmupPasses"/> passes, once two passes
/// in a row each compiled fewer than <see cref="QuietMethods"/> methods (at most <see cref="MaxPasses"/>).
/// .NET compiles a method again, optimized, after its 30th call (twice with dynamic PGO), on a background thread
/// the process pays for, and each batch of new methods puts the next batch off: code that runs once per fetch or
/// per response was still being compiled, hundreds of methods a pass, five passes in. A fixed count of passes left
/// anything from 60 to 1,700 compilations in the measured interval, and the CPU per record followed them. One quiet
/// pass is not enough: the recompilation waits while new methods keep coming, and then comes in bursts.
/// </summary>
internal sealed class WarmUp(PeerArguments run)
{
    public const int QuietMethods = 50;
    public const int MaxPasses = 20;

    private long _compiled = System.Runtime.JitInfo.GetCompiledMethodCount();

    /// <summary>Passes read so far.</summary>
    public int Passes { get; private set; }

    /// <summary>Methods the JIT compiled during the last pass.</summary>
    public long LastPassMethods { get; private set; }

    /// <summary>Called after each warm-up pass: whether the warm-up is over.</summary>
    public bool Done()
    {
        Passes++;
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var quietBefore = LastPassMethods < QuietMethods && Passes > 1;
        LastPassMethods = compiled - _compiled;
        _compiled = compiled;
        return Passes >= run.WarmupPasses && ((quietBefore && LastPassMethods < QuietMethods) || Passes >= MaxPasses);
    }
}

/// <summary>
/// The measured interval: wall time (Stopwatch), the process's CPU time (getrusage: every thread,
/// native ones included), managed allocation, the whole machine's busy time (/proc/stat), the fixed costs that
/// land in it (methods the JIT compiled and its time, garbage collections and their pauses) and the thread pool's
/// work items and lock contentions.
/// </summary>
internal sealed class MeasuredInterval
{
    // In this order: reading /proc/stat the first time compiles a few hundred methods and allocates, both
    // before the counters start.
    private readonly double? _machineBefore = MachineBusySeconds();
    private readonly long _jitMethodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
    private readonly TimeSpan _jitTimeBefore = System.Runtime.JitInfo.GetCompilationTime();
    private readonly int[] _collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private readonly TimeSpan _pausedBefore = GC.GetTotalPauseDuration();
    private readonly long _workItemsBefore = ThreadPool.CompletedWorkItemCount;
    private readonly long _contentionsBefore = Monitor.LockContentionCount;
    private readonly long _allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    private readonly Environment.ProcessCpuUsage _cpuBefore = Environment.CpuUsage;
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>Writes the JSON line of the interval that ended at <paramref name="ended"/> (a Stopwatch timestamp) with <paramref name="cpuAfter"/>; <paramref name="client"/>'s own fields last.</summary>
    public void WriteJson(string client, string version, PeerArguments run, long ended, Environment.ProcessCpuUsage cpuAfter, Action<Utf8JsonWriter> fields, WarmUp? warmUp = null)
    {
        // Every counter first: the JSON writer's own first calls are compiled below, after the interval.
        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - _jitMethodsBefore;
        var jitTime = System.Runtime.JitInfo.GetCompilationTime() - _jitTimeBefore;
        int[] collections = [GC.CollectionCount(0) - _collectionsBefore[0], GC.CollectionCount(1) - _collectionsBefore[1], GC.CollectionCount(2) - _collectionsBefore[2]];
        var paused = GC.GetTotalPauseDuration() - _pausedBefore;
        var workItems = ThreadPool.CompletedWorkItemCount - _workItemsBefore;
        var contentions = Monitor.LockContentionCount - _contentionsBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocatedBefore;
        var machineBusy = MachineBusySeconds() - _machineBefore;
        var elapsed = Stopwatch.GetElapsedTime(_started, ended).TotalSeconds;
        var user = (cpuAfter.UserTime - _cpuBefore.UserTime).TotalSeconds;
        var system = (cpuAfter.PrivilegedTime - _cpuBefore.PrivilegedTime).TotalSeconds;
        using (var json = new Utf8JsonWriter(Console.OpenStandardOutput()))
        {
            json.WriteStartObject();
            json.WriteString("client", client);
            json.WriteString("version", version);
            json.WriteNumber("records", run.Records);
            json.WriteNumber("passes", run.Passes);
            json.WriteNumber("value_bytes", run.ValueBytes);
            json.WriteString("compression", run.Compression);
            json.WriteString("acks", run.Acks);
            json.WriteNumber("linger_ms", run.LingerMs);
            json.WriteNumber("batch_size", run.BatchSize);
            json.WriteNumber("warmup", run.Warmup);
            json.WriteNumber("elapsed_s", elapsed);
            json.WriteNumber("cpu_user_s", user);
            json.WriteNumber("cpu_sys_s", system);
            json.WriteNumber("cpu_s", user + system);
            json.WriteNumber("records_per_s", run.MeasuredRecords / elapsed);
            json.WriteNumber("cpu_us_per_record", (user + system) * 1e6 / run.MeasuredRecords);
            json.WriteNumber("alloc_bytes_per_record", (double)allocated / run.MeasuredRecords);
            if (machineBusy is { } busy)
            {
                json.WriteNumber("machine_busy_s", busy);
            }

            if (warmUp is not null)
            {
                json.WriteNumber("warmup_passes", warmUp.Passes);
                json.WriteNumber("warmup_last_pass_jit_methods", warmUp.LastPassMethods);
            }

            json.WriteNumber("jit_methods", jitMethods);
            json.WriteNumber("jit_s", jitTime.TotalSeconds);
            json.WriteNumber("gc_0", collections[0]);
            json.WriteNumber("gc_1", collections[1]);
            json.WriteNumber("gc_2", collections[2]);
            json.WriteNumber("gc_pause_s", paused.TotalSeconds);

            // Hand-offs between threads: each work item may wake a pool thread, and each contention a waiter.
            json.WriteNumber("threadpool_work_items", workItems);
            json.WriteNumber("lock_contentions", contentions);

            fields(json);
            json.WriteEndObject();
        }

        Console.Out.WriteLine();
    }

    // CPU time every process on the machine spent, from the "cpu" line of /proc/stat (user, nice, system,
    // irq, softirq; USER_HZ ticks of 10 ms), or null without /proc: the runner subtracts this client's and
    // the broker's share to tell how busy everything else kept the cores.
    private static double? MachineBusySeconds()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
            return (Field(1) + Field(2) + Field(3) + Field(6) + Field(7)) / 100.0;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
