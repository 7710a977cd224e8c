using System.Reactive.Concurrency;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Network;

/// <summary>
/// What a response sets off runs outside the connection's lock: real threads (the default
/// scheduler), because the hazard is two read loops at once.
/// </summary>
public sealed class ConnectionResponseThreadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task C5_two_connections_whose_responses_each_write_to_the_other_do_not_deadlock()
    {
        // Each response's continuation runs on its connection's read loop (response tasks complete
        // synchronously) and writes a request to the other connection, both at the same moment (the
        // barrier). Handled under Zip's lock, as they were, each read loop would hold its own
        // connection's lock while waiting for the other's: a deadlock, and this test times out.
        var scheduler = DefaultScheduler.Instance;
        var brokerA = new ScriptedBroker(scheduler) { Handler = _ => BrokerReply.Respond(new MetadataResponse()) };
        var brokerB = new ScriptedBroker(scheduler) { Handler = _ => BrokerReply.Respond(new MetadataResponse()) };
        var options = new ConnectionOptions { Scheduler = scheduler };
        var a = await KafkaConnection.ConnectAsync(new BrokerEndpoint("broker-a", 9092), brokerA, options, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        var b = await KafkaConnection.ConnectAsync(new BrokerEndpoint("broker-b", 9092), brokerB, options, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        using var together = new Barrier(2);

        Task<MetadataResponse> Cross(KafkaConnection from, KafkaConnection to) =>
            from.SendAsync(new MetadataRequest()).ContinueWith(
                _ =>
                {
                    if (!together.SignalAndWait(Patience))
                    {
                        throw new InvalidOperationException("the two responses were not handled at the same time");
                    }

                    return to.SendAsync(new MetadataRequest());
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default).Unwrap();

        var both = Task.WhenAll(Cross(a, b), Cross(b, a));

        // On a deadlock this throws TimeoutException; the connections are then left alone (closing
        // one would wait for the lock its read loop holds).
        await both.WaitAsync(Patience * 2, TestContext.Current.CancellationToken);
        Assert.True(both.IsCompletedSuccessfully);
        await a.DisposeAsync();
        await b.DisposeAsync();
    }
}
