#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxKafka.Producer;
using RxKafka.Testing.Network;
using RxKafka.Tests.Producer.Transactions;

namespace RxKafka.Tests.Transactions;

/// <summary>
/// A transaction as an Rx scope (<c>KafkaProducer.Transact</c>, T1): commit on completion, abort on error and on early
/// dispose; on a cluster running KIP-890 part 2, as a new Kafka 4.0 cluster does.
/// </summary>
public sealed class TransactScopeTests() : TransactionalProducerTestBed(ScriptedCluster.MaxTransactionVersion)
{
    private static ProducerRecord<string?, string?> Record(int partition, string value) => new("orders", null, value) { Partition = partition };

    [Fact]
    public void T1_a_transact_scope_commits_when_its_source_completes()
    {
        var producer = Initialized();
        var outcome = Run(producer.Transact(new[] { Record(0, "a"), Record(1, "b"), Record(0, "c") }.ToObservable()));

        Assert.Null(outcome.Error);
        Assert.True(outcome.Completed);
        Assert.Equal(3, outcome.Reports.Count(r => r.IsDelivered));
        Assert.Equal(["a", "c"], Committed(0));
        Assert.Equal(["b"], Committed(1));
        Assert.Equal(ScriptedTransactionState.CompleteCommit, Cluster.Transaction(TxId)!.State);
        Assert.Equal(TransactionState.Ready, producer.TransactionState);
    }

    [Fact]
    public void T1_a_transact_scope_aborts_when_its_source_fails_and_read_committed_sees_none_of_it()
    {
        var producer = Initialized();
        var boom = new InvalidDataException("the source broke");
        var source = new[] { Record(0, "a"), Record(2, "b") }.ToObservable().Concat(Observable.Throw<ProducerRecord<string?, string?>>(boom));
        var outcome = Run(producer.Transact(source));

        Assert.Same(boom, outcome.Error);
        Assert.Empty(Committed(0));
        Assert.Empty(Committed(2));
        Assert.Equal(ScriptedTransactionState.CompleteAbort, Cluster.Transaction(TxId)!.State);
        Assert.Equal(TransactionState.Ready, producer.TransactionState);
    }

    [Fact]
    public void T1_a_transact_scope_disposed_before_its_source_completes_aborts_and_the_producer_takes_the_next_scope()
    {
        var producer = Initialized();
        var source = new Subject<ProducerRecord<string?, string?>>();
        var reports = new List<DeliveryReport<string?, string?>>();
        var subscription = producer.Transact(source).Subscribe(reports.Add);
        source.OnNext(Record(0, "early-1"));
        source.OnNext(Record(1, "early-2"));
        Assert.True(AsyncPump.Until(Scheduler, () => reports.Count == 2, Second * 5), "the records were not acknowledged");
        Assert.Equal(["early-1"], Written(0));

        subscription.Dispose();
        Assert.True(AsyncPump.Until(Scheduler, () => Cluster.Transaction(TxId)!.State == ScriptedTransactionState.CompleteAbort && producer.TransactionState == TransactionState.Ready, Second * 5), $"no abort: {producer.TransactionState}");
        Assert.Empty(Committed(0));
        Assert.Empty(Committed(1));

        var next = Run(producer.Transact(Observable.Return(Record(0, "next"))));
        Assert.True(next.Completed, next.Error?.ToString());
        Assert.Equal(["next"], Committed(0));
    }

    [Fact]
    public void T1_a_second_transact_scope_while_one_is_open_fails_clearly_and_leaves_the_first_intact()
    {
        var producer = Initialized();
        var source = new Subject<ProducerRecord<string?, string?>>();
        var first = new Outcome();
        using var open = producer.Transact(source).Subscribe(first.Reports.Add, e => first.Error = e, () => first.Completed = true);

        var second = Run(producer.Transact(Observable.Return(Record(0, "second"))));
        var error = Assert.IsType<InvalidOperationException>(second.Error);
        Assert.Contains("already open", error.Message);
        Assert.Contains(TxId, error.Message);

        source.OnNext(Record(0, "first"));
        source.OnCompleted();
        Assert.True(AsyncPump.Until(Scheduler, () => first.Completed || first.Error is not null, Second * 5));
        Assert.True(first.Completed, first.Error?.ToString());
        Assert.Equal(["first"], Committed(0));
    }

    [Fact]
    public void T1_a_transact_scope_on_a_producer_not_initialized_fails_with_the_state()
    {
        var producer = Producer();
        var outcome = Run(producer.Transact(Observable.Return(Record(0, "x"))));
        var error = Assert.IsType<InvalidOperationException>(outcome.Error);
        Assert.Contains("Uninitialized", error.Message);
    }

    private Outcome Run(IObservable<DeliveryReport<string?, string?>> scope)
    {
        var outcome = new Outcome();
        using var subscription = scope.Subscribe(outcome.Reports.Add, e => outcome.Error = e, () => outcome.Completed = true);
        Assert.True(AsyncPump.Until(Scheduler, () => outcome.Completed || outcome.Error is not null, Second * 10), "the scope did not end");
        return outcome;
    }

    private sealed class Outcome
    {
        public List<DeliveryReport<string?, string?>> Reports { get; } = [];

        public volatile bool Completed;

        public volatile Exception? Error;
    }
}
