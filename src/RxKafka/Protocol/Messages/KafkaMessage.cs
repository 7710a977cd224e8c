using System.Buffers;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Protocol.Messages;

/// <summary>
/// A Kafka message body: a request, a response, a header or a data structure. Every generated
/// message encodes and decodes itself at any version in its valid range, flexible versions and
/// tagged fields included; tagged fields this client does not know are kept and written back.
/// </summary>
public abstract class KafkaMessage
{
    private protected KafkaMessage()
    {
    }

    /// <summary>Tagged fields this client does not know, kept so that they are written back unchanged.</summary>
    public List<TaggedField>? UnknownTaggedFields { get; set; }

    /// <summary>The lowest version of this message.</summary>
    public abstract short LowestSupportedVersion { get; }

    /// <summary>The highest version of this message.</summary>
    public abstract short HighestSupportedVersion { get; }

    /// <summary>The first flexible version (compact encodings and tagged fields), or -1 when there is none.</summary>
    public abstract short FirstFlexibleVersion { get; }

    /// <summary>Whether <paramref name="version"/> is a flexible version of this message.</summary>
    public bool IsFlexible(short version) => FirstFlexibleVersion >= 0 && version >= FirstFlexibleVersion;

    /// <summary>Writes the body at <paramref name="version"/>.</summary>
    /// <exception cref="KafkaException">The version is out of range, or a field set to a non-default value does not exist at that version.</exception>
    internal void Write(ref KafkaWriter writer, short version)
    {
        CheckVersion(version);
        WriteBody(ref writer, version);
    }

    /// <summary>Writes the body at <paramref name="version"/> to <paramref name="output"/>.</summary>
    public void Write(IBufferWriter<byte> output, short version)
    {
        var writer = new KafkaWriter(output);
        Write(ref writer, version);
        writer.Flush();
    }

    /// <summary>Reads the body at <paramref name="version"/>, replacing this message's field values.</summary>
    /// <exception cref="KafkaProtocolException">The bytes are malformed or truncated.</exception>
    internal void Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        ReadBody(ref reader, version);
    }

    /// <summary>Reads the body at <paramref name="version"/> from <paramref name="bytes"/>, replacing this message's field values.</summary>
    /// <remarks>The public way to decode a body (e.g. from a frame of <c>KafkaConnection.Frames</c>); the reader itself is internal.</remarks>
    /// <exception cref="KafkaProtocolException">The bytes are malformed or truncated.</exception>
    public void Read(ReadOnlyMemory<byte> bytes, short version)
    {
        var reader = new KafkaReader(bytes);
        Read(ref reader, version);
    }

    /// <summary>The encoded size of the body at <paramref name="version"/>, in bytes.</summary>
    public int ComputeSize(short version)
    {
        var counter = KafkaWriter.CreateCounter();
        Write(ref counter, version);
        return checked((int)counter.BytesWritten);
    }

    /// <summary>Encodes the body at <paramref name="version"/> into a new array.</summary>
    public byte[] ToArray(short version)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(16, ComputeSize(version)));
        Write(output, version);
        return output.WrittenSpan.ToArray();
    }

    internal abstract void WriteBody(ref KafkaWriter writer, short version);

    internal abstract void ReadBody(ref KafkaReader reader, short version);

    private void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaException(
                ErrorCode.UnsupportedVersion,
                $"{GetType().Name} has no version {version}; its versions are {LowestSupportedVersion} to {HighestSupportedVersion}");
        }
    }
}

/// <summary>A request: a message with an API key, a routing rule and a response type.</summary>
public abstract class KafkaRequest : KafkaMessage
{
    private protected KafkaRequest()
    {
    }

    /// <summary>The API key of this request.</summary>
    public abstract ApiKey ApiKey { get; }

    /// <summary>Which broker this request must be sent to.</summary>
    public abstract RequestRouting Routing { get; }

    /// <summary>Creates an empty response of the matching type, ready to be read.</summary>
    public abstract KafkaResponse CreateResponse();

    /// <summary>
    /// How long this request may wait for its answer when that is longer than the connection's request
    /// timeout: a JoinGroup waits out the group's rebalance (Kafka's consumers allow the rebalance timeout
    /// plus 5 s). Null: the connection's request timeout.
    /// </summary>
    internal TimeSpan? LongerTimeout { get; set; }

    /// <summary>The request header version that goes with <paramref name="version"/> of this request.</summary>
    public short RequestHeaderVersion(short version) => KafkaApis.Get(ApiKey).RequestHeaderVersion(version);

    /// <summary>The response header version that goes with <paramref name="version"/> of this request.</summary>
    public short ResponseHeaderVersion(short version) => KafkaApis.Get(ApiKey).ResponseHeaderVersion(version);
}

/// <summary>A request whose answer is a <typeparamref name="TResponse"/>.</summary>
/// <typeparam name="TResponse">The response type.</typeparam>
public abstract class KafkaRequest<TResponse> : KafkaRequest
    where TResponse : KafkaResponse
{
    private protected KafkaRequest()
    {
    }

    /// <inheritdoc/>
    public abstract override TResponse CreateResponse();
}

/// <summary>A response to a <see cref="KafkaRequest"/>.</summary>
public abstract class KafkaResponse : KafkaMessage
{
    private protected KafkaResponse()
    {
    }

    /// <summary>The API key of this response.</summary>
    public abstract ApiKey ApiKey { get; }

    /// <summary>
    /// The pooled frame this response's byte fields are slices of, when the connection received it into one
    /// (Fetch); null otherwise. Its receiver holds one reference; a response nobody releases is simply never
    /// returned to the pool, so its slices stay valid.
    /// </summary>
    internal PooledFrame? Frame { get; set; }
}
