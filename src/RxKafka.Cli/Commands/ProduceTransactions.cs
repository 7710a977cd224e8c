using System.Globalization;
using RxKafka.Producer;

namespace RxKafka.Cli.Commands;

/// <summary>
/// <c>rxkafka produce --transactional-id ID [--transaction-size N]</c>: the input goes in transactions of
/// <c>N</c> records (all of it in one without <c>--transaction-size</c>), each committed when full and the last at
/// the end of the input; a failed record, an error or Ctrl+C aborts the open one, so a read_committed reader sees
/// whole transactions only.
/// </summary>
internal sealed class ProduceTransactions(KafkaProducer<string?, string?> producer, int? size)
{
    private int _inOpen;

    /// <summary>Transactions committed so far.</summary>
    public int Committed { get; private set; }

    /// <summary>Records in the committed transactions.</summary>
    public long RecordsCommitted { get; private set; }

    /// <summary>Records of the transaction aborted, if one was.</summary>
    public long? RecordsAborted { get; private set; }

    /// <summary>Finds the coordinator, fences older producers with the id, and opens the first transaction.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await producer.InitTransactionsAsync(cancellationToken);
        producer.BeginTransaction();
    }

    /// <summary>Before a record is sent: commits the open transaction when it is full and opens the next.</summary>
    public async Task BeforeSendAsync(CancellationToken cancellationToken)
    {
        if (_inOpen == size)
        {
            await CommitAsync(cancellationToken);
            producer.BeginTransaction();
        }

        _inOpen++;
    }

    /// <summary>At the end of the input: commits what is open (the commit flushes its records first).</summary>
    public Task CompleteAsync(CancellationToken cancellationToken) => CommitAsync(cancellationToken);

    /// <summary>
    /// Aborts the open transaction, if the producer can still (a fenced one cannot: the coordinator aborts its
    /// transaction itself); never throws, as it runs while another failure is on its way out.
    /// </summary>
    public async Task AbortAsync()
    {
        if (producer.TransactionState is not (TransactionState.InTransaction or TransactionState.AbortableError))
        {
            return;
        }

        RecordsAborted = _inOpen;
        try
        {
            // Not the command's token: after Ctrl+C it is cancelled, and the abort must still reach the coordinator.
            await producer.AbortTransactionAsync(CancellationToken.None);
        }
        catch (KafkaException e)
        {
            Console.Error.WriteLine(CliErrors.Line($"the transaction could not be aborted ({e.Message}); the coordinator aborts it after transaction.timeout.ms"));
        }
    }

    /// <summary>", in 3 transactions committed" or ", 1 transaction of 20 records aborted", for the summary line.</summary>
    public string Summary() =>
        string.Create(CultureInfo.InvariantCulture, $", {RecordsCommitted:N0} in {Committed:N0} transaction{(Committed == 1 ? "" : "s")} committed")
        + (RecordsAborted is { } aborted ? string.Create(CultureInfo.InvariantCulture, $", {aborted:N0} in a transaction aborted") : "");

    private async Task CommitAsync(CancellationToken cancellationToken)
    {
        // An empty transaction (an empty input, or a size that divided it exactly) ends without asking the coordinator.
        await producer.CommitTransactionAsync(cancellationToken);
        if (_inOpen == 0)
        {
            return;
        }

        Committed++;
        RecordsCommitted += _inOpen;
        _inOpen = 0;
    }
}
