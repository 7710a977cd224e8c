using System.Buffers;
using System.Net.Security;

namespace RxKafka.Network.Sasl.Gssapi;

/// <summary>The parts of a GSS-API security context the GSSAPI mechanism uses; a seam so the exchange can be tested without a KDC.</summary>
internal interface IGssContext : IDisposable
{
    /// <summary>Processes a token from the server (empty at first) and returns the next token to send, if any.</summary>
    byte[]? GetOutgoingBlob(ReadOnlySpan<byte> incomingBlob, out NegotiateAuthenticationStatusCode statusCode);

    /// <summary>GSS_Wrap.</summary>
    NegotiateAuthenticationStatusCode Wrap(ReadOnlySpan<byte> input, IBufferWriter<byte> output);

    /// <summary>GSS_Unwrap.</summary>
    NegotiateAuthenticationStatusCode Unwrap(ReadOnlySpan<byte> input, IBufferWriter<byte> output);
}

/// <summary>The platform's GSS-API through <see cref="NegotiateAuthentication"/>.</summary>
internal sealed class NegotiateGssContext : IGssContext
{
    private readonly NegotiateAuthentication _negotiate;

    internal NegotiateGssContext(NegotiateAuthenticationClientOptions options) => _negotiate = new NegotiateAuthentication(options);

    public byte[]? GetOutgoingBlob(ReadOnlySpan<byte> incomingBlob, out NegotiateAuthenticationStatusCode statusCode) =>
        _negotiate.GetOutgoingBlob(incomingBlob, out statusCode);

    public NegotiateAuthenticationStatusCode Wrap(ReadOnlySpan<byte> input, IBufferWriter<byte> output) =>
        _negotiate.Wrap(input, output, requestEncryption: false, out _);

    public NegotiateAuthenticationStatusCode Unwrap(ReadOnlySpan<byte> input, IBufferWriter<byte> output) =>
        _negotiate.Unwrap(input, output, out _);

    public void Dispose() => _negotiate.Dispose();
}
