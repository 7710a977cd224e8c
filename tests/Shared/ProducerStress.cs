using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.Producer;

namespace RxKafka.Tests.Shared;

/// <summary>How the sending threads of a stress run hand records to the producer.</summary>
public enum ProducerFace
{
    /// <summary>Send without a callback (fire and forget, the benchmark's path).</summary>
    Send,

    /// <summary>Send with a delivery callback (the CLI's path).</summary>
    SendWithCallback,

    /// <summary>ProduceAsync, every task awaited at the end.</summary>
    ProduceAsync,

    /// <summary>Produce over an observable of records.</summary>
    Observable,
}

/// <summary>
/// P1–P3 with real threads, shared by the in-memory (unit) and mock-cluster (integration) stress tests:
/// threads that send values "thread:sequence" through one face of a producer, and the check of a
/// topic's log against them (per partition each thread's records in its send order, each record once).
/// </summary>
internal static class ProducerStress
{
    /// <summary>Every face at 1, 4, 8 and 16 threads, as a theory's data.</summary>
    public static TheoryData<ProducerFace, int> Cases()
    {
        var data = new TheoryData<ProducerFace, int>();
        foreach (var face in Enum.GetValues<ProducerFace>())
        {
            foreach (var threads in new[] { 1, 4, 8, 16 })
            {
                data.Add(face, threads);
            }
        }

        return data;
    }

    /// <summary>The value of record <paramref name="sequence"/> of <paramref name="thread"/>.</summary>
    public static string ValueOf(int thread, int sequence) => $"{thread}:{sequence}";

    /// <summary>
    /// Starts <paramref name="threads"/> threads together, each sending <paramref name="perThread"/> records
    /// made by <paramref name="recordOf"/> (thread, sequence) through <paramref name="face"/>; completes when
    /// every thread has handed over its records (and, for the faces that report, heard every outcome).
    /// <paramref name="outcome"/> hears each record's value and error (null: delivered) where the face reports.
    /// </summary>
    public static Task SendAsync(
        KafkaProducer<string?, string?> producer,
        ProducerFace face,
        int threads,
        int perThread,
        Func<int, int, ProducerRecord<string?, string?>> recordOf,
        Action<string, Exception?> outcome)
    {
        var start = new Barrier(threads);
        return Task.WhenAll(Enumerable.Range(0, threads).Select(thread => Task.Factory.StartNew(
            async () =>
            {
                start.SignalAndWait();
                switch (face)
                {
                    case ProducerFace.Send:
                        for (var i = 0; i < perThread; i++)
                        {
                            producer.Send(recordOf(thread, i));
                        }

                        break;
                    case ProducerFace.SendWithCallback:
                        for (var i = 0; i < perThread; i++)
                        {
                            producer.Send(recordOf(thread, i), report => outcome(report.Record.Value!, report.Error));
                        }

                        break;
                    case ProducerFace.ProduceAsync:
                        var tasks = new Task[perThread];
                        for (var i = 0; i < perThread; i++)
                        {
                            var record = recordOf(thread, i);
                            tasks[i] = producer.ProduceAsync(record).ContinueWith(t => outcome(record.Value!, t.Exception?.InnerException), TaskScheduler.Default);
                        }

                        await Task.WhenAll(tasks);
                        break;
                    case ProducerFace.Observable:
                        var records = Observable.Create<ProducerRecord<string?, string?>>(observer =>
                        {
                            for (var i = 0; i < perThread; i++)
                            {
                                observer.OnNext(recordOf(thread, i));
                            }

                            observer.OnCompleted();
                            return () => { };
                        });
                        await producer.Produce(records).Do(report => outcome(report.Record.Value!, report.Error)).DefaultIfEmpty().ToTask();
                        break;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()));
    }

    /// <summary>
    /// What is wrong with a topic's log (partition, value in offset order) after <paramref name="threads"/>
    /// threads sent <paramref name="perThread"/> records each: a record stored twice, one of a thread's
    /// records after a later one of the same thread in a partition, a record missing. Empty when all is well.
    /// </summary>
    public static IReadOnlyList<string> Problems(IEnumerable<(int Partition, string Value)> log, int threads, int perThread)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>();
        var last = new Dictionary<(int Partition, int Thread), (int Sequence, int Index)>();
        var index = 0;
        foreach (var (partition, value) in log)
        {
            index++;
            if (!seen.Add(value))
            {
                problems.Add($"{value} is stored twice (again in partition {partition})");
                continue;
            }

            var colon = value.IndexOf(':', StringComparison.Ordinal);
            var thread = int.Parse(value.AsSpan(0, colon), System.Globalization.CultureInfo.InvariantCulture);
            var sequence = int.Parse(value.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
            if (last.TryGetValue((partition, thread), out var previous) && previous.Sequence > sequence)
            {
                problems.Add($"partition {partition} holds {value} after {ValueOf(thread, previous.Sequence)}: out of send order");
            }

            last[(partition, thread)] = (sequence, index);
        }

        var expected = threads * perThread;
        if (seen.Count != expected)
        {
            var missing = Enumerable.Range(0, threads).SelectMany(t => Enumerable.Range(0, perThread).Select(s => ValueOf(t, s))).Where(v => !seen.Contains(v)).Take(5);
            problems.Add($"{expected - seen.Count} of {expected} records are missing, e.g. {string.Join(", ", missing)}");
        }

        return problems;
    }
}
