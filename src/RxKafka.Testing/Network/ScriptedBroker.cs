using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Reactive.Concurrency;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Testing.Network;

/// <summary>A request the scripted broker received.</summary>
/// <param name="Connection">Which connection (0 for the first one opened).</param>
/// <param name="Header">The decoded request header.</param>
/// <param name="Request">The decoded request body.</param>
/// <param name="ReceivedAt">The scheduler's time when it arrived.</param>
public sealed record ReceivedRequest(int Connection, RequestHeader Header, KafkaRequest Request, DateTimeOffset ReceivedAt)
{
    /// <summary>The request's API key.</summary>
    public ApiKey ApiKey => (ApiKey)Header.RequestApiKey;

    /// <summary>The request's version.</summary>
    public short Version => Header.RequestApiVersion;
}

/// <summary>What the scripted broker does with one request.</summary>
public abstract record BrokerReply
{
    private protected BrokerReply()
    {
    }

    /// <summary>Answer with <paramref name="response"/> after <paramref name="delay"/> (at least one tick later on a TestScheduler).</summary>
    public static BrokerReply Respond(KafkaResponse response, TimeSpan delay = default, int? correlationId = null) => new ResponseReply(response, delay, correlationId);

    /// <summary>Never answer.</summary>
    public static BrokerReply Silence { get; } = new SilenceReply();

    /// <summary>Close the connection after <paramref name="delay"/>.</summary>
    public static BrokerReply Disconnect(TimeSpan delay = default) => new DisconnectReply(delay);

    /// <summary>Write raw bytes (a malformed frame, say) after <paramref name="delay"/>.</summary>
    public static BrokerReply Raw(byte[] bytes, TimeSpan delay = default) => new RawReply(bytes, delay);

    internal sealed record ResponseReply(KafkaResponse Response, TimeSpan Delay, int? CorrelationId) : BrokerReply;

    internal sealed record SilenceReply : BrokerReply;

    internal sealed record DisconnectReply(TimeSpan Delay) : BrokerReply;

    internal sealed record RawReply(byte[] Bytes, TimeSpan Delay) : BrokerReply;

    /// <summary>
    /// An answer decided later (a Fetch that waits for data): the broker calls <see cref="Start"/> with the
    /// delay it adds to replies and a callback that writes the response at once, in request order. The
    /// callback takes the broker's lock: call it with no other lock held (from scheduled work).
    /// </summary>
    internal sealed record DeferredReply(Action<TimeSpan, Action<KafkaResponse>> Start, TimeSpan Delay) : BrokerReply;
}

/// <summary>The scripted broker's answer to one raw SASL token (the exchange after SaslHandshake v0, which has no Kafka framing).</summary>
/// <param name="Token">The token to send back (null: send nothing).</param>
/// <param name="ExpectsAnotherToken">Whether the exchange goes on: the next frame is another raw token, not a Kafka request.</param>
/// <param name="Disconnect">Close the connection instead of answering (what a broker does when raw-mode authentication fails).</param>
public sealed record RawTokenReply(byte[]? Token, bool ExpectsAnotherToken = false, bool Disconnect = false)
{
    /// <summary>A challenge: answer with <paramref name="token"/> and expect another raw token.</summary>
    public static RawTokenReply Challenge(byte[] token) => new(token, ExpectsAnotherToken: true);

    /// <summary>The last answer: <paramref name="token"/>, after which frames are Kafka requests again.</summary>
    public static RawTokenReply Final(byte[] token) => new(token);

    /// <summary>Authentication failed: close the connection.</summary>
    public static RawTokenReply Close { get; } = new(null, Disconnect: true);
}

/// <summary>
/// A broker in memory that answers requests as a script says, on a scheduler. It answers
/// ApiVersions by itself (every API at every version RxKafka knows, or <see cref="ApiVersionsOverride"/>).
/// </summary>
public sealed class ScriptedBroker : IKafkaTransportFactory
{
    private readonly IScheduler _scheduler;
    private readonly List<ReceivedRequest> _requests = new();
    private readonly List<InMemoryTransport> _connections = new();
    private readonly Dictionary<IDuplexPipe, Queue<Slot>> _ordered = new(ReferenceEqualityComparer.Instance);
    private readonly PipeScheduler _pipeScheduler;

    // One request, reply or disconnect at a time: under a real scheduler the connections' pipes run on
    // the thread pool, so requests on different connections arrive on different threads. (The cluster's
    // lock is taken inside this one, never the other way round.)
    private readonly object _gate = new();

    /// <summary>
    /// Creates a broker that schedules its replies on <paramref name="scheduler"/>. Under a virtual-time
    /// scheduler its connections' pipes run inline (what a write causes happens at once, on the writer's
    /// thread); under any other they run on the thread pool, so the client's reads and writes run on
    /// threads of their own, as over a socket.
    /// </summary>
    public ScriptedBroker(IScheduler scheduler)
    {
        _scheduler = scheduler;
        _pipeScheduler = RxKafka.Reactive.SerialExecutor.IsVirtualTime(scheduler) ? PipeScheduler.Inline : PipeScheduler.ThreadPool;
    }

    /// <summary>Decides the reply to each request other than ApiVersions. Unset: requests get no answer.</summary>
    public Func<ReceivedRequest, BrokerReply>? Handler { get; set; }

    /// <summary>Replaces the built-in ApiVersions answer (given the request's version).</summary>
    public Func<ReceivedRequest, BrokerReply>? ApiVersionsOverride { get; set; }

    /// <summary>Answers a raw SASL token sent after a SaslHandshake v0 (null: no answer).</summary>
    public Func<byte[], byte[]?>? RawTokenHandler { get; set; }

    /// <summary>
    /// Answers raw SASL tokens over as many rounds as a mechanism needs (SCRAM takes two, GSSAPI three);
    /// takes precedence over <see cref="RawTokenHandler"/>, which allows a single round.
    /// </summary>
    public Func<byte[], RawTokenReply>? RawTokenExchange { get; set; }

    /// <summary>The raw SASL tokens received after SaslHandshake v0.</summary>
    public List<byte[]> RawTokens { get; } = new();

    /// <summary>Connections fail to open while this is set (the exception to throw).</summary>
    public Exception? RefuseConnections { get; set; }

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => _requests;

    /// <summary>The transports opened so far.</summary>
    public IReadOnlyList<InMemoryTransport> Connections => _connections;

    /// <summary>
    /// Added to the delay of every reply (responses, raw bytes, disconnects, raw SASL tokens): a slow
    /// broker or a long round trip. Zero by default.
    /// </summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Called with each request as it arrives, before its reply is decided (a cluster records them across brokers).</summary>
    internal Action<ReceivedRequest>? Received { get; set; }

    /// <summary>The ApiVersions answer listing every API at every version RxKafka knows.</summary>
    public static ApiVersionsResponse FullApiVersions() => new()
    {
        ApiKeys = KafkaApis.All.Select(a => new ApiVersionsResponse.ApiVersion { ApiKey = (short)a.ApiKey, MinVersion = a.Versions.Lowest, MaxVersion = a.Versions.Highest }).ToList(),
    };

    /// <inheritdoc/>
    public ValueTask<IKafkaTransport> ConnectAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (RefuseConnections is { } error)
        {
            return ValueTask.FromException<IKafkaTransport>(error);
        }

        var transport = InMemoryTransport.Create($"memory://{endpoint}", _pipeScheduler);
        int index;
        lock (_gate)
        {
            index = _connections.Count;
            _connections.Add(transport);
        }

        _ = ServeAsync(index, transport.BrokerSide);
        return ValueTask.FromResult<IKafkaTransport>(transport);
    }

    /// <summary>Closes connection <paramref name="index"/> from the broker's side, now.</summary>
    public void Disconnect(int index = 0)
    {
        lock (_gate)
        {
            Close(_connections[index].BrokerSide);
        }
    }

    /// <summary>Closes every connection the client has not closed, from the broker's side, now (a broker going down).</summary>
    public void DisconnectAll()
    {
        lock (_gate)
        {
            // A copy: under a TestScheduler the client reconnects inline, from inside Close, adding to the list.
            foreach (var connection in _connections.ToArray())
            {
                if (!connection.IsDisposed)
                {
                    Close(connection.BrokerSide);
                }
            }
        }
    }

    /// <summary>Writes raw bytes to connection <paramref name="index"/>, now.</summary>
    public void SendRaw(byte[] bytes, int index = 0)
    {
        lock (_gate)
        {
            WriteRaw(_connections[index].BrokerSide.Output, bytes);
        }
    }

    private async Task ServeAsync(int index, IDuplexPipe pipe)
    {
        var input = pipe.Input;
        var rawTokens = 0;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryReadFrame(ref buffer, out var frame))
                {
                    lock (_gate)
                    {
                        rawTokens = Serve(index, pipe, frame, rawTokens);
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The pipe was completed under us: the connection is gone.
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    // One frame: a raw SASL token while a v0 exchange runs, else a request. Returns how many raw tokens are still expected.
    private int Serve(int index, IDuplexPipe pipe, byte[] frame, int rawTokens)
    {
        if (rawTokens > 0)
        {
            // After a successful SaslHandshake v0 the client sends a raw SASL token.
            rawTokens--;
            RawTokens.Add(frame);
            byte[]? answer;
            if (RawTokenExchange is { } exchange)
            {
                var step = exchange(frame);
                if (step.Disconnect)
                {
                    _scheduler.Schedule(ResponseDelay, () => Locked(() => Close(pipe)));
                    return rawTokens;
                }

                if (step.ExpectsAnotherToken)
                {
                    rawTokens++;
                }

                answer = step.Token;
            }
            else
            {
                answer = RawTokenHandler?.Invoke(frame);
            }

            if (answer is not null)
            {
                var bytes = new byte[4 + answer.Length];
                BinaryPrimitives.WriteInt32BigEndian(bytes, answer.Length);
                answer.CopyTo(bytes, 4);
                _scheduler.Schedule(ResponseDelay, () => Locked(() => WriteRaw(pipe.Output, bytes)));
            }

            return rawTokens;
        }

        var request = Parse(index, frame);
        _requests.Add(request);
        Received?.Invoke(request);
        var reply = request.ApiKey == ApiKey.ApiVersions
            ? (ApiVersionsOverride ?? DefaultApiVersions)(request)
            : Handler?.Invoke(request) ?? BrokerReply.Silence;
        if (request.Request is SaslHandshakeRequest && request.Version == 0 && reply is BrokerReply.ResponseReply { Response: SaslHandshakeResponse { ErrorCode: 0 } })
        {
            rawTokens = 1;
        }

        Apply(pipe, request, reply);
        return rawTokens;
    }

    private void Locked(Action action)
    {
        lock (_gate)
        {
            action();
        }
    }

    private BrokerReply DefaultApiVersions(ReceivedRequest request) => BrokerReply.Respond(FullApiVersions());

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out byte[] frame)
    {
        frame = [];
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        var size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (buffer.Length < 4L + size)
        {
            return false;
        }

        frame = buffer.Slice(4, size).ToArray();
        buffer = buffer.Slice(4L + size);
        return true;
    }

    private ReceivedRequest Parse(int index, byte[] frame)
    {
        var key = BinaryPrimitives.ReadInt16BigEndian(frame);
        var version = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(2));
        var api = KafkaApis.Get((ApiKey)key);
        var reader = new KafkaReader(frame);
        var header = new RequestHeader();
        header.Read(ref reader, api.RequestHeaderVersion(version));
        var body = api.CreateRequest();
        body.Read(ref reader, version);
        return new ReceivedRequest(index, header, body, _scheduler.Now);
    }

    private void Apply(IDuplexPipe pipe, ReceivedRequest request, BrokerReply reply)
    {
        switch (reply)
        {
            case BrokerReply.ResponseReply r:
                {
                    // Like a real broker, answers go out in request order: a response that is due
                    // waits for earlier ones. (Silence holds nothing back.)
                    var queue = _ordered.TryGetValue(pipe, out var q) ? q : _ordered[pipe] = new Queue<Slot>();
                    var slot = new Slot(() => WriteResponse(pipe.Output, request, r.Response, r.CorrelationId ?? request.Header.CorrelationId));
                    queue.Enqueue(slot);
                    _scheduler.Schedule(r.Delay + ResponseDelay, () => Locked(() =>
                    {
                        slot.Due = true;
                        while (queue.Count > 0 && queue.Peek().Due)
                        {
                            queue.Dequeue().Write!();
                        }
                    }));
                    break;
                }
            case BrokerReply.DeferredReply deferred:
                {
                    var queue = _ordered.TryGetValue(pipe, out var q) ? q : _ordered[pipe] = new Queue<Slot>();
                    var slot = new Slot(null);
                    queue.Enqueue(slot);
                    deferred.Start(deferred.Delay + ResponseDelay, response => Locked(() =>
                    {
                        slot.Write = () => WriteResponse(pipe.Output, request, response, request.Header.CorrelationId);
                        slot.Due = true;
                        while (queue.Count > 0 && queue.Peek().Due)
                        {
                            queue.Dequeue().Write!();
                        }
                    }));
                    break;
                }
            case BrokerReply.DisconnectReply d:
                _scheduler.Schedule(d.Delay + ResponseDelay, () => Locked(() => Close(pipe)));
                break;
            case BrokerReply.RawReply raw:
                _scheduler.Schedule(raw.Delay + ResponseDelay, () => Locked(() => WriteRaw(pipe.Output, raw.Bytes)));
                break;
        }
    }

    private static void WriteResponse(PipeWriter output, ReceivedRequest request, KafkaResponse response, int correlationId)
    {
        var api = KafkaApis.Get(request.ApiKey);
        // ApiVersions errors are answered with the v0 body (KIP-511).
        var version = response is ApiVersionsResponse { ErrorCode: not 0 } ? (short)0 : request.Version;
        var headerVersion = api.ResponseHeaderVersion(request.Version);
        var header = new ResponseHeader { CorrelationId = correlationId };
        var size = header.ComputeSize(headerVersion) + response.ComputeSize(version);
        var bytes = new ArrayBufferWriter<byte>(size + 4);
        var writer = new KafkaWriter(bytes);
        writer.WriteInt32(size);
        header.Write(ref writer, headerVersion);
        response.Write(ref writer, version);
        writer.Flush();
        WriteRaw(output, bytes.WrittenSpan.ToArray());
    }

    private static void WriteRaw(PipeWriter output, byte[] bytes)
    {
        try
        {
            output.Write(bytes);
            _ = output.FlushAsync().AsTask();
        }
        catch (InvalidOperationException)
        {
            // The client side is gone.
        }
    }

    private sealed class Slot(Action? write)
    {
        public bool Due { get; set; }

        public Action? Write { get; set; } = write;
    }

    private static void Close(IDuplexPipe pipe)
    {
        pipe.Output.Complete();
    }
}
