using System.Reactive.Concurrency;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Network;

/// <summary>
/// What a response sets off runs outside the connection's lock and off its read loop: real threads
/// (the default scheduler), because the hazards are two read loops at once and user code on a read loop.
/// </summary>
public sealed class ConnectionResponseThreadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task C5_two_connections_whose_responses_each_write_to_the_other_do_not_deadlock()
    {
        // Each response's continuation writes a request to the other connection, both at the same
        // moment (the barrier). When continuations ran on the read loop and pairs were handled under
        // Zip's lock, each read loop held its own connection's lock while waiting for the other's: a
        // deadlock, and this test timed out.
        var scheduler = DefaultScheduler.Instance;
        // The brokers answer once both continuations are registered: an answer that came first would run
        // its continuation on the test thread, inside ContinueWith, and the second Cross would never start.
        using var registered = new ManualResetEventSlim();
        BrokerReply Answer(ReceivedRequest request)
        {
            registered.Wait(Patience, TestContext.Current.CancellationToken);
            return BrokerReply.Respond(new MetadataResponse());
        }

        var brokerA = new ScriptedBroker(scheduler) { Handler = Answer };
        var brokerB = new ScriptedBroker(scheduler) { Handler = Answer };
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
        registered.Set();

        // On a deadlock this throws TimeoutException; the connections are then left alone (closing
        // one would wait for the lock its read loop holds).
        try
        {
            await both.WaitAsync(Patience * 2, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"no outcome: {a.Describe()}; {b.Describe()}");
        }

        Assert.True(both.IsCompletedSuccessfully);
        await a.DisposeAsync();
        await b.DisposeAsync();
    }

    [Fact]
    public async Task C10_a_Frames_subscriber_that_throws_neither_closes_the_connection_nor_loses_a_response()
    {
        var connection = await ConnectToAnsweringBrokerAsync();
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var throwing = connection.Frames.Subscribe(_ =>
        {
            called.TrySetResult();
            throw new InvalidOperationException("a subscriber failed");
        });

        for (var i = 0; i < 3; i++)
        {
            await connection.SendAsync(new MetadataRequest(), TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        }

        await called.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await connection.SendAsync(new MetadataRequest(), TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task C10_a_Frames_subscriber_that_blocks_does_not_hold_up_responses()
    {
        var connection = await ConnectToAnsweringBrokerAsync();
        using var release = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var frames = 0;
        using var blocking = connection.Frames.Subscribe(_ =>
        {
            Interlocked.Increment(ref frames);
            entered.TrySetResult();
            release.Wait(Patience, TestContext.Current.CancellationToken);
        });

        // The first answer's frame reaches the subscriber, which then stays stuck in it.
        await connection.SendAsync(new MetadataRequest(), TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        await entered.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);

        // Five more round trips while it is stuck: on the read loop, none would finish.
        for (var i = 0; i < 5; i++)
        {
            await connection.SendAsync(new MetadataRequest(), TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        }

        Assert.False(release.IsSet);
        Assert.Equal(1, Volatile.Read(ref frames));
        release.Set();
        await connection.DisposeAsync();
    }

    // A connection, on real threads, to a broker that answers every request with an empty Metadata answer.
    private static Task<KafkaConnection> ConnectToAnsweringBrokerAsync()
    {
        var scheduler = DefaultScheduler.Instance;
        var broker = new ScriptedBroker(scheduler) { Handler = _ => BrokerReply.Respond(new MetadataResponse()) };
        return KafkaConnection.ConnectAsync(new BrokerEndpoint("broker", 9092), broker, new ConnectionOptions { Scheduler = scheduler }, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
    }
}
