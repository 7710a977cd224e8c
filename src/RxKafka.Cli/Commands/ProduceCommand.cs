using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using RxKafka.Cli.Parsing;
using RxKafka.Cli.Rendering;
using RxKafka.Producer;
using RxKafka.Serialization;
using Spectre.Console;

namespace RxKafka.Cli.Commands;

/// <summary>
/// <c>rxkafka produce -t TOPIC</c>: every line of standard input (or a file) becomes a record,
/// keyed with <c>--key-separator</c>, with the same headers; a one-line summary, and the first
/// errors if any record failed. Without <c>-b</c>, on an embedded cluster, and then where each
/// partition's records went (the cluster ends with the command).
/// </summary>
internal static class ProduceCommand
{
    /// <summary>Partitions of the topic made on the embedded cluster.</summary>
    public const int EmbeddedPartitions = 3;

    /// <summary>Brokers of the embedded cluster.</summary>
    public const int EmbeddedBrokers = 3;

    /// <summary>How many failed records are printed, one line each.</summary>
    public const int ErrorsShown = 5;

    public static Command Create()
    {
        var bootstrap = CommonOptions.BootstrapServer();
        bootstrap.Description += $"; without it, a {EmbeddedBrokers}-broker cluster embedded in this process, the topic made with {EmbeddedPartitions} partitions";
        var topic = new Option<string>("--topic", "-t")
        {
            Description = "The topic to write to",
            HelpName = "topic",
            Required = true,
        };
        var file = new Option<FileInfo>("--file", "-f")
        {
            Description = "Read the lines from this file (UTF-8) instead of standard input",
            HelpName = "path",
        }.AcceptExistingOnly();
        var separator = new Option<string?>("--key-separator", "-K")
        {
            Description = "Split each line at the first SEP into key and value ('\\t' is a tab); a line without SEP has a null key. Without this option every key is null",
            HelpName = "SEP",
            CustomParser = ParseSeparator,
        };
        var headers = new Option<Header[]>("--header", "-H")
        {
            Description = "A header added to every record, key=value (repeatable; the value is UTF-8 and may be empty)",
            HelpName = "key=value",
            Arity = ArgumentArity.OneOrMore,
            CustomParser = ParseHeaders,
        };
        var partition = CommonOptions.WholeNumber(
            new Option<int?>("--partition", "-p")
            {
                Description = "Write every record to this partition (default: the partitioner's choice, murmur2 of the key as the Java client, sticky for null keys)",
                HelpName = "N",
            },
            min: 0);
        var keepGoing = CommonOptions.KeepGoing();
        var transactionalId = new Option<string?>("--transactional-id")
        {
            Description = "Write in a transaction with this transactional.id, committed at the end of the input; a failed record, an error or Ctrl+C aborts it (read_committed readers see none of it)",
            HelpName = "id",
        };
        var transactionSize = CommonOptions.WholeNumber(
            new Option<int?>("--transaction-size")
            {
                Description = "With --transactional-id: commit every N records and open the next transaction (default: the whole input in one)",
                HelpName = "N",
            },
            min: 1);

        var command = new Command("produce", "Write lines of standard input (or a file) to a topic as records, UTF-8, one per line (empty lines are skipped); print how many were delivered")
        {
            bootstrap, topic, file, separator, headers, partition, keepGoing, transactionalId, transactionSize,
        };
        command.Validators.Add(result =>
        {
            var transactional = result.GetValue(transactionalId) is not null;
            if (!transactional && result.GetValue(transactionSize) is not null)
            {
                result.AddError("--transaction-size needs --transactional-id");
            }
            else if (transactional && result.GetValue(keepGoing))
            {
                result.AddError("--keep-going cannot be used with --transactional-id: a failed record aborts its transaction");
            }
        });
        command.SetAction(Program.Guard((result, ct) =>
        {
            var config = CommonOptions.ClientConfig(result, bootstrap, required: false);

            var settings = new ProduceSettings(
                result.GetValue(topic)!,
                result.GetValue(file),
                result.GetValue(separator),
                result.GetValue(headers) ?? [],
                result.GetValue(partition),
                result.GetValue(keepGoing),
                result.GetValue(transactionalId),
                result.GetValue(transactionSize));
            if (settings.TransactionalId is { } id)
            {
                config["transactional.id"] = id;
            }

            return RunAsync(config, settings, ct);
        }));
        return command;
    }

    private static async Task<int> RunAsync(Dictionary<string, string> config, ProduceSettings settings, CancellationToken cancellationToken)
    {
        var console = Terminal.CreateStandardOutput();
        var cluster = EmbeddedCluster.StartUnlessGiven(config, EmbeddedBrokers, settings.Topic, EmbeddedPartitions);
        try
        {
            config.TryAdd("client.id", "rxkafka-produce");
            var options = ProducerOptions.FromConfig(config);
            var outcome = new Outcome();
            TimeSpan elapsed;
            string transactionSummary;
            await using (var producer = new KafkaProducer<string?, string?>(options, Serializers.Utf8, Serializers.Utf8))
            {
                // Unreachable brokers and a topic that is not there fail here, once, before any input is read.
                await producer.Client.BootstrapAsync(cancellationToken);
                var metadata = await producer.Client.WaitForTopicAsync(settings.Topic, cancellationToken);
                if (settings.Partition is { } p && metadata.GetPartition(p) is null)
                {
                    throw new UnknownTopicOrPartitionException($"topic '{settings.Topic}' has no partition {p} (it has {metadata.Partitions.Length})");
                }

                if (cluster is not null)
                {
                    console.MarkupLine($"[grey]On {Markup.Escape(EmbeddedCluster.Describe(cluster))}, topic {Markup.Escape(settings.Topic)} with {metadata.Partitions.Length} partitions; its records go when rxkafka exits[/]");
                }

                if (settings.File is null && !Console.IsInputRedirected)
                {
                    console.MarkupLine("[grey]Reading lines from standard input: end with Ctrl+D[/]");
                }

                var transactions = settings.TransactionalId is null ? null : new ProduceTransactions(producer, settings.TransactionSize);
                if (transactions is not null)
                {
                    await transactions.StartAsync(cancellationToken);
                }

                var clock = Stopwatch.StartNew();
                try
                {
                    await SendLinesAsync(producer, settings, outcome, transactions, cancellationToken);
                    if (transactions is null)
                    {
                        await producer.FlushAsync(cancellationToken);
                    }
                    else if (outcome.Failed > 0)
                    {
                        await transactions.AbortAsync();
                    }
                    else
                    {
                        await transactions.CompleteAsync(cancellationToken);
                    }
                }
                catch (Exception) when (transactions is not null)
                {
                    // Ctrl+C, a commit refused, a broker gone: what is open is aborted, never left to commit.
                    await transactions.AbortAsync();
                    throw;
                }

                elapsed = clock.Elapsed;
                transactionSummary = transactions?.Summary() ?? "";
            }

            if (cluster is not null)
            {
                foreach (var line in outcome.Partitions(settings.Topic))
                {
                    console.WriteLine(line);
                }
            }

            console.WriteLine(outcome.Summary(settings.Topic, elapsed) + transactionSummary);
            foreach (var error in outcome.Errors())
            {
                Console.Error.WriteLine(CliErrors.Line(error));
            }

            return outcome.Failed > 0 ? ExitCodes.Failed : ExitCodes.Ok;
        }
        finally
        {
            cluster?.Dispose();
        }
    }

    /// <summary>Every line of the input sent as a record, until the end or (without --keep-going) the first failed record.</summary>
    private static async Task SendLinesAsync(KafkaProducer<string?, string?> producer, ProduceSettings settings, Outcome outcome, ProduceTransactions? transactions, CancellationToken cancellationToken)
    {
        using var reader = OpenInput(settings.File);
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            number++;
            if (ProduceLines.Parse(text, settings.Separator) is not { } line)
            {
                continue;
            }

            if (!settings.KeepGoing && outcome.Failed > 0)
            {
                // The producer retried the failed record until delivery.timeout.ms: the brokers
                // are not taking records, and each further one would wait out the same timeout.
                outcome.NotSent(1 + await CountRecordsLeftAsync(reader, settings, cancellationToken));
                break;
            }

            if (transactions is not null)
            {
                await transactions.BeforeSendAsync(cancellationToken);
            }

            var record = new ProducerRecord<string?, string?>(settings.Topic, line.Key, line.Value)
            {
                Headers = ProduceLines.ToHeaders(settings.Headers),
                Partition = settings.Partition,
            };
            var lineNumber = number;
            outcome.Sent();
            producer.Send(record, report => outcome.Report(lineNumber, report.Metadata, report.Error));
        }
    }

    /// <summary>
    /// The records the rest of the input holds, to say how many were not sent; -1 for an interactive
    /// standard input, which has no rest to count (reading it would wait for the user).
    /// </summary>
    private static async Task<long> CountRecordsLeftAsync(TextReader reader, ProduceSettings settings, CancellationToken cancellationToken)
    {
        if (settings.File is null && !Console.IsInputRedirected)
        {
            return -1;
        }

        var left = 0L;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            if (ProduceLines.Parse(text, settings.Separator) is not null)
            {
                left++;
            }
        }

        return left;
    }

    private static TextReader OpenInput(FileInfo? file) =>
        file is null
            ? new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true)
            : new StreamReader(file.FullName, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);

    private static string? ParseSeparator(ArgumentResult result)
    {
        if (ProduceLines.TryParseSeparator(result.Tokens.Count > 0 ? result.Tokens[0].Value : "", out var separator, out var error))
        {
            return separator;
        }

        result.AddError(error!);
        return null;
    }

    private static Header[] ParseHeaders(ArgumentResult result)
    {
        var headers = new List<Header>(result.Tokens.Count);
        foreach (var token in result.Tokens)
        {
            if (!ProduceLines.TryParseHeader(token.Value, out var header, out var error))
            {
                result.AddError(error!);
                return [];
            }

            headers.Add(header);
        }

        return [.. headers];
    }

    private sealed record ProduceSettings(string Topic, FileInfo? File, string? Separator, IReadOnlyList<Header> Headers, int? Partition, bool KeepGoing, string? TransactionalId, int? TransactionSize);

    /// <summary>What became of the records: counts, where they went per partition, the first errors. Reports arrive on the producer's threads.</summary>
    private sealed class Outcome
    {
        private readonly object _gate = new();
        private readonly SortedDictionary<int, (int Count, long First, long Last)> _partitions = [];
        private readonly List<string> _errors = [];
        private int _sent;
        private int _delivered;
        private int _failed;
        private long _notSent;
        private bool _restUnread;

        public int Failed
        {
            get
            {
                lock (_gate)
                {
                    return _failed;
                }
            }
        }

        public void Sent() => Interlocked.Increment(ref _sent);

        /// <summary>Records not handed to the producer after a failure; 0 or less: an interactive input, whose rest was not read.</summary>
        public void NotSent(long count)
        {
            lock (_gate)
            {
                _restUnread = count <= 0;
                _notSent = Math.Max(count, 1);
            }
        }

        public void Report(int line, RecordMetadata where, Exception? error)
        {
            lock (_gate)
            {
                if (error is not null)
                {
                    _failed++;
                    if (_errors.Count < ErrorsShown)
                    {
                        _errors.Add($"line {line.ToString(CultureInfo.InvariantCulture)}: {error.Message}");
                    }

                    return;
                }

                _delivered++;
                var (count, first, last) = _partitions.GetValueOrDefault(where.Partition, (0, long.MaxValue, long.MinValue));
                _partitions[where.Partition] = where.Offset >= 0
                    ? (count + 1, Math.Min(first, where.Offset), Math.Max(last, where.Offset))
                    : (count + 1, first, last);
            }
        }

        /// <summary>"3 records delivered to orders, 0 failed, in 0.05 s".</summary>
        public string Summary(string topic, TimeSpan elapsed)
        {
            lock (_gate)
            {
                var lost = _sent - _delivered - _failed;
                var notSent = _notSent == 0 ? "" : _restUnread ? ", the rest of the input not sent" : string.Create(CultureInfo.InvariantCulture, $", {_notSent:N0} not sent");
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"{_delivered:N0} record{(_delivered == 1 ? "" : "s")} delivered to {topic}, {_failed:N0} failed{notSent}{(lost > 0 ? $", {lost:N0} unreported" : "")}, in {elapsed.TotalSeconds:0.00} s");
            }
        }

        /// <summary>"orders-1: 2 records, offsets 0-1", a line per partition written to.</summary>
        public IEnumerable<string> Partitions(string topic)
        {
            lock (_gate)
            {
                return _partitions.Select(p => Line(topic, p.Key, p.Value.Count, p.Value.First, p.Value.Last)).ToList();
            }
        }

        private static string Line(string topic, int partition, int count, long first, long last)
        {
            var offsets = first > last ? "offsets not reported (acks=0)"
                : first == last ? string.Create(CultureInfo.InvariantCulture, $"offset {first}")
                : string.Create(CultureInfo.InvariantCulture, $"offsets {first}-{last}");
            return string.Create(CultureInfo.InvariantCulture, $"{topic}-{partition}: {count:N0} record{(count == 1 ? "" : "s")}, {offsets}");
        }

        /// <summary>The first errors, one line each, and how many more there were.</summary>
        public IEnumerable<string> Errors()
        {
            lock (_gate)
            {
                var lines = _errors.ToList();
                if (_failed > _errors.Count)
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"... and {_failed - _errors.Count:N0} more record(s) failed"));
                }

                if (_notSent > 0)
                {
                    lines.Add("sending stopped at the first failed record, which the producer had retried until delivery.timeout.ms (--keep-going sends every line)");
                }

                return lines;
            }
        }
    }
}
