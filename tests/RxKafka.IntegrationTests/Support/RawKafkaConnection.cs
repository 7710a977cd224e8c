using System.Buffers.Binary;
using System.Net.Sockets;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;

namespace RxKafka.IntegrationTests.Support;

/// <summary>
/// A deliberately tiny, blocking Kafka client for testing the harness without RxKafka's connection:
/// one request at a time, frames built from the generated message classes.
/// </summary>
internal sealed class RawKafkaConnection : IDisposable
{
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(10);
    private readonly Stream _stream;
    private readonly IDisposable? _owner;
    private int _correlationId;

    public RawKafkaConnection(Stream stream, IDisposable? owner = null)
    {
        _stream = stream;
        _owner = owner;
    }

    /// <summary>Connects over plain TCP.</summary>
    public static RawKafkaConnection Connect(string host, int port)
    {
        var client = new TcpClient { NoDelay = true, ReceiveTimeout = (int)IoTimeout.TotalMilliseconds, SendTimeout = (int)IoTimeout.TotalMilliseconds };
        try
        {
            client.Connect(host, port);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return new RawKafkaConnection(client.GetStream(), client);
    }

    /// <summary>Connects to the first entry of a bootstrap list.</summary>
    public static RawKafkaConnection ConnectBootstrap(string bootstrapServers)
    {
        var first = bootstrapServers.Split(',')[0];
        var colon = first.LastIndexOf(':');
        return Connect(first[..colon], int.Parse(first[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Sends <paramref name="request"/> at <paramref name="version"/> and reads its response.</summary>
    public TResponse Send<TResponse>(KafkaRequest<TResponse> request, short version)
        where TResponse : KafkaResponse
    {
        var payload = SendRaw(request, version);
        var reader = new KafkaReader(payload);
        var responseHeader = new ResponseHeader();
        responseHeader.Read(ref reader, request.ResponseHeaderVersion(version));
        Assert.Equal(_correlationId, responseHeader.CorrelationId);
        var response = request.CreateResponse();
        response.Read(ref reader, version);
        Assert.True(reader.End, $"{request.ApiKey} v{version} response has {reader.Remaining} bytes left over");
        return response;
    }

    /// <summary>Sends <paramref name="request"/> at <paramref name="version"/> and returns the response frame undecoded (header included).</summary>
    public byte[] SendRaw(KafkaRequest request, short version)
    {
        var correlationId = ++_correlationId;
        var header = new RequestHeader
        {
            RequestApiKey = (short)request.ApiKey,
            RequestApiVersion = version,
            CorrelationId = correlationId,
            ClientId = "rxkafka-integration-tests",
        }.ToArray(request.RequestHeaderVersion(version));
        var body = request.ToArray(version);

        var frame = new byte[4 + header.Length + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, header.Length + body.Length);
        header.CopyTo(frame, 4);
        body.CopyTo(frame, 4 + header.Length);
        _stream.Write(frame);
        _stream.Flush();
        return ReadFrame();
    }

    /// <summary>Reads one size-prefixed frame; EndOfStreamException when the broker closes first.</summary>
    public byte[] ReadFrame()
    {
        Span<byte> size = stackalloc byte[4];
        _stream.ReadExactly(size);
        var length = BinaryPrimitives.ReadInt32BigEndian(size);
        Assert.InRange(length, 4, 16 * 1024 * 1024);
        var payload = new byte[length];
        _stream.ReadExactly(payload);
        return payload;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _owner?.Dispose();
    }
}
