using System.Reactive.Concurrency;
using RxKafka.IntegrationTests.Support;
using RxKafka.IntegrationTests.Transactions;
using RxKafka.Testing.Network;
using CK = Confluent.Kafka;

namespace RxKafka.IntegrationTests.Cli;

/// <summary>
/// <c>rxkafka produce --transactional-id</c> against the in-memory cluster over TCP (its coordinator keeps aborted
/// lists, so read_committed can be checked): the input in transactions of <c>--transaction-size</c> records.
/// </summary>
public sealed class ProduceTransactionalCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task T1_produce_with_a_transactional_id_commits_every_transaction_size_records_and_the_rest_at_the_end()
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance);
        cluster.CreateTopic("cli-tx", partitions: 3);
        await using var server = cluster.ServeTcp();
        var lines = Enumerable.Range(0, 7).Select(i => $"k{i}\tv{i}").ToList();

        var run = RxKafkaCli.RunWithInput(Deadline, string.Join('\n', lines) + "\n", "produce", "-b", server.BootstrapServers, "-t", "cli-tx", "-K", "\\t", "--transactional-id", "cli-tx-id", "--transaction-size", "3");

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        Assert.Matches(@"^7 records delivered to cli-tx, 0 failed, in \d+\.\d\d s, 7 in 3 transactions committed\r?\n$", run.StandardOutput);
        Assert.Equal(RxKafka.Testing.Network.ScriptedTransactionState.CompleteCommit, cluster.Transaction("cli-tx-id")!.State);
        Assert.Equal(
            Enumerable.Range(0, 7).Select(i => $"v{i}"),
            ConfluentTransactions.ConsumeAll(server.BootstrapServers, "cli-tx", CK.IsolationLevel.ReadCommitted, 3).Order(StringComparer.Ordinal));
        // 3 + 3 + 1 records: three commit markers, one per transaction on each partition it wrote to.
        Assert.Equal(3, cluster.Requests.Count(r => r.Request.ApiKey == RxKafka.Protocol.Messages.ApiKey.EndTxn));
    }

    [Fact]
    public void A_transaction_size_without_a_transactional_id_is_a_usage_error_naming_both_options()
    {
        var run = RxKafkaCli.RunWithInput(Deadline, "v\n", "produce", "-b", "127.0.0.1:1", "-t", "t", "--transaction-size", "3");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--transaction-size needs --transactional-id", run.StandardError);
    }

    [Fact]
    public void Keep_going_with_a_transactional_id_is_a_usage_error()
    {
        var run = RxKafkaCli.RunWithInput(Deadline, "v\n", "produce", "-b", "127.0.0.1:1", "-t", "t", "--transactional-id", "x", "--keep-going");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--keep-going cannot be used with --transactional-id", run.StandardError);
    }
}
