// Virtual time: each task is completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks; cancellation tokens have no role here.
#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Network;

/// <summary>The connection in virtual time: TestScheduler + in-memory transport + scripted broker.</summary>
public sealed class KafkaConnectionTests : ReactiveTest
{
    private static readonly BrokerEndpoint Endpoint = new("broker-1", 9092);
    private readonly TestScheduler _scheduler = new();
    private readonly ScriptedBroker _broker;

    public KafkaConnectionTests() => _broker = new ScriptedBroker(_scheduler);

    private ConnectionOptions Options => new() { Scheduler = _scheduler };

    private KafkaConnection Connect(ConnectionOptions? options = null)
    {
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, options ?? Options);
        _scheduler.AdvanceBy(1); // the broker answers ApiVersions one tick after it arrives
        Assert.True(task.IsCompletedSuccessfully, $"connect did not complete: {task.Status} {task.Exception?.InnerException?.Message}");
        return task.Result;
    }

    private static MetadataResponse Tagged(int n) => new() { ThrottleTimeMs = n };

    [Fact]
    public void C2_negotiation_picks_the_highest_version_both_sides_support()
    {
        _broker.ApiVersionsOverride = _ => BrokerReply.Respond(new ApiVersionsResponse
        {
            ApiKeys =
            [
                new() { ApiKey = (short)ApiKey.ApiVersions, MinVersion = 0, MaxVersion = 4 },
                new() { ApiKey = (short)ApiKey.Metadata, MinVersion = 0, MaxVersion = 8 },
                new() { ApiKey = (short)ApiKey.Fetch, MinVersion = 4, MaxVersion = 99 },
            ],
        });
        var connection = Connect();
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
        Assert.True(connection.ApiVersions!.TryPick(ApiKey.Metadata, out var metadata));
        Assert.Equal(8, metadata);
        Assert.True(connection.ApiVersions.TryPick(ApiKey.Fetch, out var fetch));
        Assert.Equal(KafkaApis.Get(ApiKey.Fetch).Versions.Highest, fetch);

        _broker.Handler = _ => BrokerReply.Respond(new MetadataResponse());
        var response = connection.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(1);
        Assert.True(response.IsCompletedSuccessfully);
        Assert.Equal(8, _broker.Requests[^1].Version);
        Assert.Equal(4, _broker.Requests[0].Version); // ApiVersions: the newest version RxKafka knows first
    }

    [Fact]
    public void C2_unsupported_ApiVersions_version_retries_with_the_version_the_broker_advertises()
    {
        // KIP-511: the broker answers error 35 with a v0 body listing its ApiVersions range (0-2).
        _broker.ApiVersionsOverride = request => request.Version > 2
            ? BrokerReply.Respond(new ApiVersionsResponse { ErrorCode = (short)ErrorCode.UnsupportedVersion, ApiKeys = [new() { ApiKey = 18, MinVersion = 0, MaxVersion = 2 }] })
            : BrokerReply.Respond(ScriptedBroker.FullApiVersions());
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options);
        _scheduler.AdvanceBy(2);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal([4, 2], _broker.Requests.Select(r => (int)r.Version));
    }

    [Fact]
    public void C2_an_unparseable_error_35_answer_means_retry_with_an_older_version()
    {
        // Some brokers answer v3+ with error 35 and a body that is not the v0 body: only the error code can be read.
        _broker.ApiVersionsOverride = request => request.Version > 2
            ? BrokerReply.Raw(RawFrame(request.Header.CorrelationId, [0x00, 0x23, 0xFF, 0xFF, 0xFF, 0x7F, 0x01]))
            : BrokerReply.Respond(ScriptedBroker.FullApiVersions());
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options);
        _scheduler.AdvanceBy(3);
        Assert.True(task.IsCompletedSuccessfully, task.Exception?.InnerException?.Message);
        Assert.Equal([4, 3, 2], _broker.Requests.Select(r => (int)r.Version));
        Assert.Equal(ConnectionStatus.Ready, task.Result.CurrentState.Status);
    }

    [Fact]
    public void C2_an_api_the_broker_does_not_offer_fails_fast_naming_it()
    {
        _broker.ApiVersionsOverride = _ => BrokerReply.Respond(new ApiVersionsResponse { ApiKeys = [new() { ApiKey = 18, MinVersion = 0, MaxVersion = 3 }] });
        var connection = Connect();
        var sent = _broker.Requests.Count;
        var task = connection.SendAsync(new DescribeClusterRequest());
        Assert.True(task.IsFaulted);
        var e = Assert.IsType<UnsupportedVersionException>(task.Exception!.InnerException);
        Assert.Contains("DescribeCluster", e.Message);
        Assert.Contains("broker-1:9092", e.Message);
        Assert.Equal(sent, _broker.Requests.Count); // nothing was written
    }

    [Fact]
    public void C9_a_connect_abandoned_while_negotiating_closes_its_transport()
    {
        _broker.ApiVersionsOverride = _ => BrokerReply.Silence;
        var subscription = KafkaConnection.Connect(Endpoint, _broker, Options).Subscribe(_ => { }, _ => { });
        _scheduler.AdvanceBy(10);
        Assert.False(_broker.Connections[0].IsDisposed);

        subscription.Dispose();
        _scheduler.AdvanceBy(1);

        Assert.True(_broker.Connections[0].IsDisposed);
    }

    [Fact]
    public void C9_a_connection_that_was_delivered_stays_open_when_the_connect_subscription_ends()
    {
        KafkaConnection? connection = null;
        using (KafkaConnection.Connect(Endpoint, _broker, Options).Subscribe(c => connection = c))
        {
            _scheduler.AdvanceBy(1);
        }

        Assert.Equal(ConnectionStatus.Ready, connection!.CurrentState.Status);
        Assert.False(_broker.Connections[0].IsDisposed);
    }

    [Fact]
    public void C5_pipelined_requests_are_answered_in_order_with_their_own_responses()
    {
        var connection = Connect();
        var n = 0;
        _broker.Handler = _ => BrokerReply.Respond(Tagged(n++), TimeSpan.FromTicks(10));
        var tasks = Enumerable.Range(0, 100).Select(_ => connection.SendAsync(new MetadataRequest())).ToList();
        Assert.All(tasks, t => Assert.False(t.IsCompleted));
        _scheduler.AdvanceBy(10);
        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(Enumerable.Range(0, 100), tasks.Select(t => t.Result.ThrottleTimeMs));
        Assert.Equal(Enumerable.Range(1, 100), _broker.Requests.Skip(1).Select(r => r.Header.CorrelationId));
    }

    [Fact]
    public void C5_an_out_of_order_correlation_id_closes_with_OutOfSync_and_fails_every_pending_request()
    {
        var connection = Connect();
        _broker.Handler = r => r.Header.CorrelationId == 2
            ? BrokerReply.Respond(new MetadataResponse(), correlationId: 3) // answers the second request with the third's id
            : BrokerReply.Silence;
        var first = connection.SendAsync(new MetadataRequest());
        var second = connection.SendAsync(new MetadataRequest());
        var third = connection.SendAsync(new MetadataRequest());
        var states = connection.State.Replay();
        using var _ = states.Connect();
        _scheduler.AdvanceBy(1);

        // The frame pairs with the oldest pending request (id 1), whose id does not match.
        foreach (var t in new[] { first, second, third })
        {
            Assert.True(t.IsFaulted);
            Assert.Equal(CloseReason.OutOfSync, Assert.IsType<ConnectionClosedException>(t.Exception!.InnerException).Reason);
        }

        Assert.Equal(CloseReason.OutOfSync, connection.CurrentState.Reason);
        Assert.Contains("correlation id 3", connection.CurrentState.Error!.Message);
    }

    [Fact]
    public void C6_a_response_one_tick_after_the_timeout_fails_the_request_and_closes_with_ConnectionTimeout()
    {
        var options = Options with { RequestTimeout = TimeSpan.FromSeconds(40) };
        var connection = Connect(options);
        _broker.Handler = _ => BrokerReply.Respond(new MetadataResponse(), TimeSpan.FromSeconds(40) + TimeSpan.FromTicks(1));
        var sentAt = _scheduler.Clock;
        var task = connection.SendAsync(new MetadataRequest());
        _scheduler.AdvanceTo(sentAt + TimeSpan.FromSeconds(40).Ticks - 1);
        Assert.False(task.IsCompleted);
        _scheduler.AdvanceBy(1);
        Assert.True(task.IsFaulted);
        var e = Assert.IsType<RequestTimedOutException>(task.Exception!.InnerException);
        Assert.Contains("Metadata", e.Message);
        Assert.Equal(ConnectionState.Closed(CloseReason.ConnectionTimeout, e), connection.CurrentState);
    }

    [Fact]
    public void C6_a_response_one_tick_before_the_timeout_completes_normally()
    {
        var connection = Connect();
        _broker.Handler = _ => BrokerReply.Respond(new MetadataResponse(), KafkaDefaults.RequestTimeout - TimeSpan.FromTicks(1));
        var task = connection.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy((KafkaDefaults.RequestTimeout + TimeSpan.FromSeconds(1)).Ticks);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
    }

    [Fact]
    public void C7_an_acks_0_produce_completes_when_written_and_waits_for_nothing()
    {
        var connection = Connect();
        var task = connection.SendAsync(new ProduceRequest { Acks = 0, TimeoutMs = 1000 });
        Assert.True(task.IsCompletedSuccessfully); // no tick needed: written is done
        Assert.Equal(ApiKey.Produce, _broker.Requests[^1].ApiKey);
        Assert.Equal(0, connection.GetMetrics().RequestsInFlight);

        // A later request still pairs with its own response: acks=0 left nothing in the queue.
        _broker.Handler = _ => BrokerReply.Respond(Tagged(7));
        var metadata = connection.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(1);
        Assert.Equal(7, metadata.Result.ThrottleTimeMs);
    }

    [Fact]
    public void C8_an_idle_connection_closes_at_exactly_the_configured_time_and_not_while_a_request_is_pending()
    {
        var options = Options with { MaxIdle = TimeSpan.FromMinutes(9), RequestTimeout = TimeSpan.FromMinutes(30) };
        var connection = Connect(options);
        var readyAt = _scheduler.Clock;

        // A request pending for 20 minutes keeps the connection open past the idle time.
        _broker.Handler = _ => BrokerReply.Respond(new MetadataResponse(), TimeSpan.FromMinutes(20));
        _scheduler.AdvanceTo(readyAt + TimeSpan.FromMinutes(1).Ticks);
        var task = connection.SendAsync(new MetadataRequest());
        var answeredAt = _scheduler.Clock + TimeSpan.FromMinutes(20).Ticks;
        _scheduler.AdvanceTo(answeredAt - 1);
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
        _scheduler.AdvanceTo(answeredAt);
        Assert.True(task.IsCompletedSuccessfully);

        // Then idle: closes exactly 9 minutes after the last traffic.
        _scheduler.AdvanceTo(answeredAt + TimeSpan.FromMinutes(9).Ticks - 1);
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
        _scheduler.AdvanceBy(1);
        Assert.Equal(CloseReason.IdleDrop, connection.CurrentState.Reason);
    }

    [Fact]
    public void C9_shutdown_fails_pending_requests_and_the_state_stream_ends_with_Closed()
    {
        var connection = Connect();
        var observer = _scheduler.CreateObserver<ConnectionState>();
        connection.State.Subscribe(observer);
        var task = connection.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(5);
        _ = connection.DisposeAsync();
        Assert.Equal(CloseReason.Shutdown, Assert.IsType<ConnectionClosedException>(task.Exception!.InnerException).Reason);
        var messages = observer.Messages.ToList();
        Assert.Equal(ConnectionState.Ready, messages[0].Value.Value);
        Assert.Equal(CloseReason.Shutdown, messages[1].Value.Value.Reason);
        Assert.Equal(System.Reactive.NotificationKind.OnCompleted, messages[2].Value.Kind);

        // After the close, new requests fail at once with the same reason.
        var late = connection.SendAsync(new MetadataRequest());
        Assert.Equal(CloseReason.Shutdown, Assert.IsType<ConnectionClosedException>(late.Exception!.InnerException).Reason);
    }

    [Fact]
    public void C9_a_broker_that_drops_the_connection_closes_it_with_ConnectionBroken()
    {
        var connection = Connect();
        _broker.Handler = _ => BrokerReply.Disconnect(TimeSpan.FromTicks(3));
        var task = connection.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(3);
        Assert.Equal(CloseReason.ConnectionBroken, Assert.IsType<ConnectionClosedException>(task.Exception!.InnerException).Reason);
        Assert.Equal(CloseReason.ConnectionBroken, connection.CurrentState.Reason);
    }

    [Fact]
    public void C10_a_frame_claiming_2_GB_closes_the_connection_without_allocating_it()
    {
        var connection = Connect();
        var task = connection.SendAsync(new MetadataRequest());
        var before = GC.GetAllocatedBytesForCurrentThread();
        _broker.SendRaw([0x7F, 0xFF, 0xFF, 0xF0, 0x00, 0x00]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1024 * 1024, $"{allocated} bytes allocated");
        Assert.Equal(CloseReason.ProtocolError, connection.CurrentState.Reason);
        Assert.Contains("frame size 2147483632", connection.CurrentState.Error!.Message);
        Assert.Equal(CloseReason.ProtocolError, Assert.IsType<ConnectionClosedException>(task.Exception!.InnerException).Reason);
    }

    [Fact]
    public void C10_a_negative_frame_size_is_a_protocol_error()
    {
        var connection = Connect();
        _broker.SendRaw([0xFF, 0xFF, 0xFF, 0xFE]);
        Assert.Equal(CloseReason.ProtocolError, connection.CurrentState.Reason);
        Assert.Contains("frame size -2", connection.CurrentState.Error!.Message);
    }

    [Fact]
    public void C10_frames_are_an_observable_of_bodies_split_however_the_bytes_arrive()
    {
        var connection = Connect();
        var frames = _scheduler.CreateObserver<int>();
        connection.Frames.Select(f => f.Length).Subscribe(frames);
        // Two Metadata v0 requests in flight (correlation ids 1 and 2, after ApiVersions' 0), answered by
        // hand: a v0 response with no brokers and no topics is eight zero bytes.
        _broker.Handler = _ => BrokerReply.Silence;
        var answers = _scheduler.CreateObserver<MetadataResponse>();
        connection.Send(new MetadataRequest(), version: 0).Subscribe(answers);
        connection.Send(new MetadataRequest(), version: 0).Subscribe(answers);
        var frame = RawFrame(1, new byte[8]);
        _broker.SendRaw(frame[..2]);
        _broker.SendRaw(frame[2..5]);
        Assert.Empty(frames.Messages);
        _broker.SendRaw([.. frame[5..], .. RawFrame(2, new byte[8])]);
        Assert.Equal([12, 12], frames.Messages.Select(m => m.Value.Value));
        Assert.Equal(2, answers.Messages.Count(m => m.Value.Kind == System.Reactive.NotificationKind.OnNext));
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
    }

    [Fact]
    public void S3_a_request_larger_than_the_maximum_fails_before_anything_is_written()
    {
        var connection = Connect(Options with { MaxRequestSize = 1000 });
        var sent = _broker.Requests.Count;
        var request = new ProduceRequest { Acks = -1, TopicData = [new() { Name = "t", PartitionData = [new() { Records = new byte[2000] }] }] };
        var task = connection.SendAsync(request);
        Assert.True(task.IsFaulted);
        Assert.Contains("exceeds the maximum request size of 1000 bytes", task.Exception!.InnerException!.Message);
        Assert.Equal(sent, _broker.Requests.Count);
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
    }

    [Fact]
    public void C13_metrics_count_bytes_frames_and_round_trip_times_on_the_scheduler()
    {
        var connection = Connect();
        _broker.Handler = r => BrokerReply.Respond(new MetadataResponse(), TimeSpan.FromMilliseconds(r.Header.CorrelationId * 10));
        var tasks = Enumerable.Range(0, 3).Select(_ => connection.SendAsync(new MetadataRequest())).ToList();
        Assert.Equal(3, connection.GetMetrics().RequestsInFlight);
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(30).Ticks);
        var metrics = connection.GetMetrics();
        Assert.Equal(0, metrics.RequestsInFlight);
        Assert.Equal(4, metrics.FramesSent);
        Assert.Equal(4, metrics.FramesReceived);
        Assert.Equal([TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(30)], metrics.RoundTripTimes);
        Assert.True(metrics.BytesSent > 4 * 4 && metrics.BytesReceived > 4 * 8);
    }

    [Fact]
    public void C13_MetricsUpdates_emits_a_snapshot_after_each_response_to_a_subscriber()
    {
        var connection = Connect();
        _broker.Handler = _ => BrokerReply.Respond(new MetadataResponse(), TimeSpan.FromTicks(5));
        var snapshots = new List<ConnectionMetrics>();
        using var subscription = connection.MetricsUpdates.Subscribe(snapshots.Add);
        var tasks = Enumerable.Range(0, 2).Select(_ => connection.SendAsync(new MetadataRequest())).ToList();
        _scheduler.AdvanceBy(5);
        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal([1, 0], snapshots.Select(m => m.RequestsInFlight));
        Assert.Equal([2L, 3L], snapshots.Select(m => m.FramesReceived));
        Assert.Equal(TimeSpan.FromTicks(5), snapshots[^1].RoundTripTimes[^1]);
    }

    [Fact]
    public void C5_a_frame_with_no_request_in_flight_closes_with_OutOfSync()
    {
        var connection = Connect();
        _broker.SendRaw(RawFrame(7, new byte[8]));
        Assert.Equal(CloseReason.OutOfSync, connection.CurrentState.Reason);
        Assert.Contains("no request in flight", connection.CurrentState.Error!.Message);
        Assert.Contains("correlation id 7", connection.CurrentState.Error!.Message);
        var late = connection.SendAsync(new MetadataRequest());
        Assert.Equal(CloseReason.OutOfSync, Assert.IsType<ConnectionClosedException>(late.Exception!.InnerException).Reason);
    }

    [Fact]
    public void C5_cancelling_SendAsync_abandons_the_wait_but_the_request_keeps_its_place_in_order()
    {
        var connection = Connect();
        var n = 0;
        _broker.Handler = _ => BrokerReply.Respond(Tagged(n++), TimeSpan.FromTicks(10));
        using var cancellation = new CancellationTokenSource();
        var abandoned = connection.SendAsync(new MetadataRequest(), cancellation.Token);
        var kept = connection.SendAsync(new MetadataRequest());
        cancellation.Cancel();
        Assert.True(abandoned.IsCanceled);
        Assert.Equal(2, connection.GetMetrics().RequestsInFlight);

        _scheduler.AdvanceBy(10);
        Assert.True(kept.IsCompletedSuccessfully);
        Assert.Equal(1, kept.Result.ThrottleTimeMs); // the first response went to the abandoned request
        Assert.Equal(0, connection.GetMetrics().RequestsInFlight);
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
    }

    [Fact]
    public void C5_a_token_cancelled_after_the_response_changes_nothing()
    {
        var connection = Connect();
        _broker.Handler = _ => BrokerReply.Respond(Tagged(7), TimeSpan.FromTicks(1));
        using var cancellation = new CancellationTokenSource();
        var task = connection.SendAsync(new MetadataRequest(), cancellation.Token);
        _scheduler.AdvanceBy(1);
        cancellation.Cancel();
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal(7, task.Result.ThrottleTimeMs);
    }

    [Fact]
    public void C5_interleaved_request_kinds_carry_their_own_header_and_client_id()
    {
        // One request header is reused per connection: each write must still carry its own key, version and id.
        var connection = Connect(Options with { ClientId = "a-longer-client-id-\u00e9\u00e8" });
        _broker.Handler = r => r.Request switch
        {
            HeartbeatRequest => BrokerReply.Respond(new HeartbeatResponse { ThrottleTimeMs = r.Header.CorrelationId }, TimeSpan.FromTicks(1)),
            _ => BrokerReply.Respond(new MetadataResponse { ThrottleTimeMs = r.Header.CorrelationId }, TimeSpan.FromTicks(1)),
        };
        var metadata = new List<Task<MetadataResponse>>();
        var heartbeats = new List<Task<HeartbeatResponse>>();
        for (var i = 0; i < 3; i++)
        {
            metadata.Add(connection.SendAsync(new MetadataRequest { Topics = [] }));
            heartbeats.Add(connection.SendAsync(new HeartbeatRequest { GroupId = "g", MemberId = "m" }));
        }

        _scheduler.AdvanceBy(1);
        Assert.Equal([1, 3, 5], metadata.Select(t => t.Result.ThrottleTimeMs));
        Assert.Equal([2, 4, 6], heartbeats.Select(t => t.Result.ThrottleTimeMs));
        var sent = _broker.Requests.Skip(1).ToList();
        Assert.Equal(Enumerable.Range(1, 6), sent.Select(r => r.Header.CorrelationId));
        Assert.Equal([ApiKey.Metadata, ApiKey.Heartbeat, ApiKey.Metadata, ApiKey.Heartbeat, ApiKey.Metadata, ApiKey.Heartbeat], sent.Select(r => r.ApiKey));
        Assert.All(sent, r => Assert.Equal("a-longer-client-id-\u00e9\u00e8", r.Header.ClientId));
        Assert.All(sent, r => Assert.Equal(KafkaApis.Get(r.ApiKey).Versions.Highest, r.Version));
    }

    [Fact]
    public void C9_SendAsync_before_negotiation_faults_without_writing()
    {
        var transport = InMemoryTransport.Create();
        var connection = new KafkaConnection(transport, Endpoint, Options); // Connecting: never negotiated
        var task = connection.SendAsync(new MetadataRequest());
        Assert.True(task.IsFaulted);
        var e = Assert.IsType<InvalidOperationException>(task.Exception!.InnerException);
        Assert.Contains("broker-1:9092", e.Message);
        Assert.Contains("not Ready", e.Message);
        Assert.False(transport.BrokerSide.Input.TryRead(out _)); // nothing was written
        Assert.Throws<ArgumentNullException>(() => { _ = connection.SendAsync<MetadataResponse>(null!); });
    }

    private static byte[] RawFrame(int correlationId, byte[] body)
    {
        var frame = new byte[8 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame, 4 + body.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), correlationId);
        body.CopyTo(frame, 8);
        return frame;
    }
}
