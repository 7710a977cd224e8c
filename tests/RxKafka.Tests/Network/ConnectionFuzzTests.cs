// Virtual time: tasks are completed by advancing the TestScheduler and checked before .Result is read.
#pragma warning disable xUnit1031, xUnit1051

using System.Buffers;
using Microsoft.Reactive.Testing;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Network;

/// <summary>
/// Bad byte streams into the frame reader and the connection: random splits, garbage, truncation,
/// corruption, and a reset at every byte offset of a response. Nothing crashes, nothing stays
/// pending past the request timeout, and every failure is a typed <see cref="KafkaException"/>.
/// </summary>
public sealed class ConnectionFuzzTests
{
    private static readonly BrokerEndpoint Endpoint = new("broker-1", 9092);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private static (TestScheduler Scheduler, ScriptedBroker Broker, KafkaConnection Connection) Connect()
    {
        var scheduler = new TestScheduler();
        var broker = new ScriptedBroker(scheduler);
        var task = KafkaConnection.ConnectAsync(Endpoint, broker, new ConnectionOptions { Scheduler = scheduler, RequestTimeout = RequestTimeout });
        scheduler.AdvanceBy(1);
        Assert.True(task.IsCompletedSuccessfully);
        return (scheduler, broker, task.Result);
    }

    private static MetadataResponse SampleResponse(int n) => new()
    {
        ThrottleTimeMs = n,
        ClusterId = "cluster-" + n,
        Brokers = [new() { NodeId = 1, Host = "broker-1", Port = 9092, Rack = "r1" }],
        Topics = [new() { Name = "orders", Partitions = [new() { PartitionIndex = 0, LeaderId = 1, ReplicaNodes = [1], IsrNodes = [1] }] }],
    };

    /// <summary>A Metadata v12 response frame (response header v1) for <paramref name="correlationId"/>.</summary>
    private static byte[] Frame(int correlationId, MetadataResponse response)
    {
        var header = new ResponseHeader { CorrelationId = correlationId };
        var size = header.ComputeSize(1) + response.ComputeSize(12);
        var output = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(output);
        writer.WriteInt32(size);
        header.Write(ref writer, 1);
        response.Write(ref writer, 12);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    private static void AssertEndsTyped(Task task, TestScheduler scheduler)
    {
        // Never pending forever: past the request timeout every request has an outcome.
        scheduler.AdvanceBy(RequestTimeout.Ticks + 1);
        Assert.True(task.IsCompleted, "a request was left pending after the request timeout");
        if (task.IsFaulted)
        {
            Assert.IsAssignableFrom<KafkaException>(task.Exception!.InnerException);
        }
    }

    [Fact]
    public void C10_a_reset_at_every_byte_offset_of_a_response_fails_the_request_with_ConnectionBroken()
    {
        var frame = Frame(1, SampleResponse(1));
        for (var cut = 0; cut <= frame.Length; cut++)
        {
            var (scheduler, broker, connection) = Connect();
            var task = connection.SendAsync(new MetadataRequest());
            broker.SendRaw(frame[..cut]);
            broker.Disconnect();
            if (cut == frame.Length)
            {
                Assert.True(task.IsCompletedSuccessfully, "the whole response arrived before the reset");
                Assert.Equal("cluster-1", task.Result.ClusterId);
            }
            else
            {
                Assert.True(task.IsFaulted, $"cut at {cut}: {task.Status}");
                Assert.Equal(CloseReason.ConnectionBroken, Assert.IsType<ConnectionClosedException>(task.Exception!.InnerException).Reason);
            }

            Assert.Equal(CloseReason.ConnectionBroken, connection.CurrentState.Reason);
        }
    }

    [Fact]
    public void C10_responses_split_at_random_points_are_reassembled_in_order()
    {
        var random = new Random(1234);
        for (var round = 0; round < 20; round++)
        {
            var (_, broker, connection) = Connect();
            var tasks = Enumerable.Range(0, 50).Select(_ => connection.SendAsync(new MetadataRequest())).ToList();
            var stream = Enumerable.Range(1, 50).SelectMany(i => Frame(i, SampleResponse(i))).ToArray();
            var at = 0;
            while (at < stream.Length)
            {
                var chunk = Math.Min(stream.Length - at, random.Next(1, 64));
                broker.SendRaw(stream[at..(at + chunk)]);
                at += chunk;
            }

            Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
            Assert.Equal(Enumerable.Range(1, 50), tasks.Select(t => t.Result.ThrottleTimeMs));
            Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
        }
    }

    [Fact]
    public void C10_garbage_streams_end_in_a_typed_error_and_never_leave_a_request_pending()
    {
        var random = new Random(99);
        for (var round = 0; round < 300; round++)
        {
            var (scheduler, broker, connection) = Connect();
            var tasks = Enumerable.Range(0, 3).Select(_ => connection.SendAsync(new MetadataRequest())).ToList();
            var garbage = new byte[random.Next(1, 200)];
            random.NextBytes(garbage);
            if (round % 3 == 0)
            {
                // A plausible small size prefix, so the garbage is read as a frame body.
                garbage[0] = 0;
                garbage[1] = 0;
                garbage[2] = 0;
                garbage[3] = (byte)Math.Min(garbage.Length - 4, random.Next(0, 200));
            }

            broker.SendRaw(garbage);
            foreach (var task in tasks)
            {
                AssertEndsTyped(task, scheduler);
            }

            Assert.Equal(ConnectionStatus.Closed, connection.CurrentState.Status);
        }
    }

    [Fact]
    public void C10_corrupted_responses_decode_or_fail_typed_and_close()
    {
        var random = new Random(7);
        var valid = Frame(1, SampleResponse(1));
        for (var round = 0; round < 500; round++)
        {
            var (scheduler, broker, connection) = Connect();
            var task = connection.SendAsync(new MetadataRequest());
            var corrupt = (byte[])valid.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                // Keep the size prefix intact here: size corruption is covered by the garbage test.
                corrupt[random.Next(4, corrupt.Length)] ^= (byte)(1 << random.Next(8));
            }

            broker.SendRaw(corrupt);
            AssertEndsTyped(task, scheduler);
            if (task.IsFaulted)
            {
                Assert.Equal(ConnectionStatus.Closed, connection.CurrentState.Status);
                Assert.True(connection.CurrentState.Reason is CloseReason.ProtocolError or CloseReason.OutOfSync, $"{connection.CurrentState}");
            }
        }
    }

    [Fact]
    public void C6_a_truncated_response_times_out_with_RequestTimedOutException()
    {
        var (scheduler, broker, connection) = Connect();
        var task = connection.SendAsync(new MetadataRequest());
        var frame = Frame(1, SampleResponse(1));
        broker.SendRaw(frame[..^3]);
        scheduler.AdvanceBy(RequestTimeout.Ticks);
        Assert.IsType<RequestTimedOutException>(task.Exception!.InnerException);
        Assert.Equal(CloseReason.ConnectionTimeout, connection.CurrentState.Reason);
    }
}
