using System.Reactive.Concurrency;
using System.Text.Json;
using RxKafka.IntegrationTests.Support;
using RxKafka.Producer;
using RxKafka.Serialization;
using RxKafka.Testing;
using RxKafka.Testing.MockCluster;
using RxKafka.Testing.Network;

namespace RxKafka.IntegrationTests.Cli;

/// <summary><c>rxkafka consume</c> run as a user runs it, against librdkafka's mock cluster, records written by RxKafka's producer.</summary>
public sealed class ConsumeCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly long T0 = 1_700_000_000_000;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Json_lines_carry_every_field_with_nulls_headers_and_non_UTF8_bytes_marked_base64()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        cluster.CreateTopic("cli-consume", partitions: 3, replicationFactor: 3);
        var headers = new Headers { { "trace", "abc"u8.ToArray() }, { "null", null }, { "bin", [0xff, 0x00] } };
        await ProduceAsync(cluster, [
            new("cli-consume", "k1"u8.ToArray(), "café ✓"u8.ToArray()) { Partition = 0, Timestamp = At(T0), Headers = headers },
            new("cli-consume", null, "no key"u8.ToArray()) { Partition = 0, Timestamp = At(T0 + 1) },
            new("cli-consume", "k2"u8.ToArray(), null) { Partition = 1, Timestamp = At(T0 + 2) },
            new("cli-consume", [0x00, 0xff, 0x80], [0xde, 0xad, 0xbe, 0xef]) { Partition = 2, Timestamp = At(T0 + 3) },
        ]);

        var run = RxKafkaCli.Run(Deadline, "consume", "-b", cluster.BootstrapServers, "-t", "cli-consume", "--format", "json", "--count", "4");

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                """{"topic":"cli-consume","partition":0,"offset":0,"timestamp":1700000000000,"timestamp_type":"create_time","key":"k1","value":"café ✓","headers":[{"key":"trace","value":"abc"},{"key":"null","value":null},{"key":"bin","value":{"base64":"/wA="}}]}""",
                """{"topic":"cli-consume","partition":0,"offset":1,"timestamp":1700000000001,"timestamp_type":"create_time","key":null,"value":"no key","headers":[]}""",
                """{"topic":"cli-consume","partition":1,"offset":0,"timestamp":1700000000002,"timestamp_type":"create_time","key":"k2","value":null,"headers":[]}""",
                """{"topic":"cli-consume","partition":2,"offset":0,"timestamp":1700000000003,"timestamp_type":"create_time","key":{"base64":"AP+A"},"value":{"base64":"3q2+7w=="},"headers":[]}""",
            ],
            lines);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
        Assert.Matches(@"^4 records from cli-consume \(3 partitions\) in \d+\.\d\d s; stopped: --count 4 reached\r?\n$", run.StandardError);
    }

    [Fact]
    public async Task Text_lines_from_an_offset_of_chosen_partitions_stop_when_idle()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);
        cluster.CreateTopic("cli-text", partitions: 3, replicationFactor: 1);
        await ProduceAsync(cluster, [.. Enumerable.Range(0, 9).Select(i => new ProducerRecord<byte[]?, byte[]?>("cli-text", "k"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes($"v{i}\tx")) { Partition = i % 3 })]);

        var run = RxKafkaCli.Run(Deadline, "consume", "-b", cluster.BootstrapServers, "-t", "cli-text", "-p", "0,2", "--from", "1", "--idle-exit", "1s");

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        Assert.Equal(
            ["cli-text-0@1\tk\tv3\\tx", "cli-text-0@2\tk\tv6\\tx", "cli-text-2@1\tk\tv5\\tx", "cli-text-2@2\tk\tv8\\tx"],
            run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Contains("4 records from cli-text (2 partitions)", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("stopped: nothing arrived for 1s (--idle-exit)", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_a_time_starts_at_the_first_record_at_or_after_it()
    {
        // librdkafka's mock cannot look offsets up by time: the scripted cluster, served over TCP, can.
        var cluster = new ScriptedCluster(DefaultScheduler.Instance);
        cluster.CreateTopic("cli-time", partitions: 1);
        await using var server = cluster.ServeTcp();
        await ProduceAsync(server.BootstrapServers, [.. Enumerable.Range(0, 3).Select(i => new ProducerRecord<byte[]?, byte[]?>("cli-time", null, [(byte)('a' + i)]) { Timestamp = At(T0 + (i * 1000)) })]);

        var run = RxKafkaCli.Run(Deadline, "consume", "-b", server.BootstrapServers, "-t", "cli-time", "--from", "@" + (T0 + 500), "--idle-exit", "1s");
        var iso = RxKafkaCli.Run(Deadline, "consume", "-b", server.BootstrapServers, "-t", "cli-time", "--from", "@2023-11-14T22:13:21.5Z", "--idle-exit", "1s");

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        Assert.Equal(["cli-time-0@1\t(null)\tb", "cli-time-0@2\t(null)\tc"], run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // T0 + 1500 ms as ISO 8601: only the last record is at or after it.
        Assert.True(iso.ExitCode == 0, $"exit code {iso.ExitCode}:\n{iso.Output}");
        Assert.Equal(["cli-time-0@2\t(null)\tc"], iso.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void An_unknown_topic_is_one_error_line_naming_it()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);

        var run = RxKafkaCli.Run(Deadline, "consume", "-b", cluster.BootstrapServers, "-t", "no-such-topic", "-X", "request.timeout.ms=2000");

        Assert.Equal(1, run.ExitCode);
        CliAssert.OneErrorLine(run, "'no-such-topic'");
    }

    [Fact]
    public void A_partition_the_topic_does_not_have_is_one_error_line_naming_it()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);
        cluster.CreateTopic("cli-two", partitions: 2, replicationFactor: 1);

        var run = RxKafkaCli.Run(Deadline, "consume", "-b", cluster.BootstrapServers, "-t", "cli-two", "-p", "0,5");

        Assert.Equal(1, run.ExitCode);
        CliAssert.OneErrorLine(run, "topic 'cli-two' has no partition 5 (it has 2)");
    }

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static Task ProduceAsync(MockKafkaCluster cluster, IReadOnlyList<ProducerRecord<byte[]?, byte[]?>> records) => ProduceAsync(cluster.BootstrapServers, records);

    private static async Task ProduceAsync(string bootstrap, IReadOnlyList<ProducerRecord<byte[]?, byte[]?>> records)
    {
        await using var producer = new KafkaProducer<byte[]?, byte[]?>(ProducerOptions.FromConfig(new() { ["bootstrap.servers"] = bootstrap }), Serializers.ByteArray, Serializers.ByteArray);
        foreach (var record in records)
        {
            // One at a time: the offsets the tests expect follow the order of the list.
            await producer.ProduceAsync(record, Token).WaitAsync(Deadline, Token);
        }
    }
}
