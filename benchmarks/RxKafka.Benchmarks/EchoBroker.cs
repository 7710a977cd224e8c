using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using RxKafka.Network;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;
using RxKafka.Testing.Network;

namespace RxKafka.Benchmarks;

/// <summary>
/// A broker in memory for benchmarks. It answers ApiVersions (every API RxKafka knows), Metadata
/// (one broker, no topics) and Heartbeat from response bytes encoded once per version, patching
/// only the correlation id, so after the first request of each kind it allocates nothing: what a
/// benchmark measures over it is the client. Replies are written inline, within the client's flush.
/// </summary>
internal sealed class EchoBroker : IKafkaTransportFactory
{
    private readonly Dictionary<(short ApiKey, short Version), byte[]> _responses = new();

    public ValueTask<IKafkaTransport> ConnectAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var transport = InMemoryTransport.Create($"memory://{endpoint}");
        _ = ServeAsync(transport.BrokerSide);
        return ValueTask.FromResult<IKafkaTransport>(transport);
    }

    private async Task ServeAsync(IDuplexPipe pipe)
    {
        var input = pipe.Input;
        var output = pipe.Output;
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var answered = false;
            while (TryAnswer(ref buffer, output))
            {
                answered = true;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (answered)
            {
                await output.FlushAsync().ConfigureAwait(false);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                await output.CompleteAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private bool TryAnswer(ref ReadOnlySequence<byte> buffer, PipeWriter output)
    {
        // Size (4), then the request header's api key (2), version (2) and correlation id (4).
        Span<byte> head = stackalloc byte[12];
        if (buffer.Length < head.Length)
        {
            return false;
        }

        buffer.Slice(0, head.Length).CopyTo(head);
        var size = BinaryPrimitives.ReadInt32BigEndian(head);
        if (buffer.Length < 4L + size)
        {
            return false;
        }

        var apiKey = BinaryPrimitives.ReadInt16BigEndian(head[4..]);
        var version = BinaryPrimitives.ReadInt16BigEndian(head[6..]);
        var correlationId = BinaryPrimitives.ReadInt32BigEndian(head[8..]);
        buffer = buffer.Slice(4L + size);

        var response = Response(apiKey, version);
        var span = output.GetSpan(response.Length);
        response.CopyTo(span);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], correlationId);
        output.Advance(response.Length);
        return true;
    }

    private byte[] Response(short apiKey, short version)
    {
        if (!_responses.TryGetValue((apiKey, version), out var bytes))
        {
            bytes = Encode((ApiKey)apiKey, version);
            _responses[(apiKey, version)] = bytes;
        }

        return bytes;
    }

    private static byte[] Encode(ApiKey apiKey, short version)
    {
        KafkaResponse body = apiKey switch
        {
            ApiKey.ApiVersions => ScriptedBroker.FullApiVersions(),
            ApiKey.Metadata => new MetadataResponse
            {
                Brokers = [new() { NodeId = 1, Host = "127.0.0.1", Port = 9092 }],
                ClusterId = "bench-cluster",
                ControllerId = 1,
            },
            ApiKey.Heartbeat => new HeartbeatResponse(),
            _ => throw new NotSupportedException($"the echo broker does not answer {apiKey}"),
        };
        var headerVersion = KafkaApis.Get(apiKey).ResponseHeaderVersion(version);
        var header = new ResponseHeader();
        var size = header.ComputeSize(headerVersion) + body.ComputeSize(version);
        var output = new ArrayBufferWriter<byte>(size + 4);
        var writer = new KafkaWriter(output);
        writer.WriteInt32(size);
        header.Write(ref writer, headerVersion);
        body.Write(ref writer, version);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }
}
