using System.Buffers;
using System.Net.Security;

namespace RxKafka.Network.Sasl.Gssapi;

/// <summary>
/// One GSSAPI exchange: Kerberos context tokens until the context is established (an empty message
/// when the last step produces no token), then the wrapped RFC 4752 security-layer step.
/// </summary>
internal sealed class GssapiAuthenticator : ISaslAuthenticator
{
    private readonly IGssContext _context;
    private readonly string _targetName;
    private readonly string? _authorizationId;
    private State _state;
    private bool _disposed;

    internal GssapiAuthenticator(IGssContext context, string targetName, string? authorizationId)
    {
        _context = context;
        _targetName = targetName;
        _authorizationId = authorizationId;
    }

    private enum State
    {
        Initial,
        Negotiating,
        AwaitingSecurityLayer,
        Complete,
        Failed,
    }

    public bool IsComplete => _state == State.Complete;

    public ValueTask<ReadOnlyMemory<byte>> InitialResponseAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_state != State.Initial)
        {
            throw new AuthenticationException(ErrorCode.IllegalSaslState, $"GSSAPI: the initial response was asked for in state {_state}; create a new authenticator to authenticate again.");
        }

        return new ValueTask<ReadOnlyMemory<byte>>(Step(ReadOnlySpan<byte>.Empty));
    }

    public ValueTask<ReadOnlyMemory<byte>?> EvaluateChallengeAsync(ReadOnlyMemory<byte> challenge, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        switch (_state)
        {
            case State.Negotiating:
                return new ValueTask<ReadOnlyMemory<byte>?>(Step(challenge.Span));
            case State.AwaitingSecurityLayer:
                return new ValueTask<ReadOnlyMemory<byte>?>(SecurityLayerReply(challenge.Span));
            default:
                throw new AuthenticationException(ErrorCode.IllegalSaslState, $"GSSAPI: a server challenge arrived in state {_state}.");
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _context.Dispose();
        }
    }

    private ReadOnlyMemory<byte> Step(ReadOnlySpan<byte> incoming)
    {
        byte[]? token;
        NegotiateAuthenticationStatusCode status;
        try
        {
            token = _context.GetOutgoingBlob(incoming, out status);
        }
        catch (Exception e) when (e is not KafkaException)
        {
            _state = State.Failed;
            throw new AuthenticationException($"GSSAPI: Kerberos failed for {_targetName} ({e.GetType().Name}: {e.Message}).", e);
        }

        switch (status)
        {
            case NegotiateAuthenticationStatusCode.ContinueNeeded:
                _state = State.Negotiating;
                break;
            case NegotiateAuthenticationStatusCode.Completed:
                // The server answers the last context token (or this empty message) with its wrapped layer offer.
                _state = State.AwaitingSecurityLayer;
                break;
            default:
                _state = State.Failed;
                throw new AuthenticationException(
                    $"GSSAPI: Kerberos authentication for {_targetName} failed ({status}). Check that the client has a Kerberos ticket (kinit or a keytab), that the service principal {_targetName} exists, and that sasl.kerberos.service.name matches the broker's.");
        }

        return token ?? ReadOnlyMemory<byte>.Empty;
    }

    private ReadOnlyMemory<byte> SecurityLayerReply(ReadOnlySpan<byte> wrappedOffer)
    {
        _state = State.Failed;
        var unwrapped = new ArrayBufferWriter<byte>(16);
        NegotiateAuthenticationStatusCode status;
        try
        {
            status = _context.Unwrap(wrappedOffer, unwrapped);
        }
        catch (Exception e) when (e is not KafkaException)
        {
            throw PlatformFailure("unwrap the broker's security-layer offer", e);
        }

        if (status != NegotiateAuthenticationStatusCode.Completed)
        {
            throw new AuthenticationException($"GSSAPI: could not unwrap the broker's security-layer offer from {_targetName} ({status}).");
        }

        (byte layers, _) = GssapiSecurityLayer.ParseServerOffer(unwrapped.WrittenSpan);
        byte[] reply = GssapiSecurityLayer.BuildClientReply(layers, _authorizationId);
        var wrapped = new ArrayBufferWriter<byte>(64);
        try
        {
            status = _context.Wrap(reply, wrapped);
        }
        catch (Exception e) when (e is not KafkaException)
        {
            throw PlatformFailure("wrap the security-layer reply", e);
        }

        if (status != NegotiateAuthenticationStatusCode.Completed)
        {
            throw new AuthenticationException($"GSSAPI: could not wrap the security-layer reply for {_targetName} ({status}).");
        }

        _state = State.Complete;
        return wrapped.WrittenMemory;
    }

    // The platform may throw (e.g. on a token it cannot parse); report that as an authentication failure.
    private AuthenticationException PlatformFailure(string what, Exception e) =>
        new($"GSSAPI: could not {what} for {_targetName} ({e.GetType().Name}: {e.Message}).", e);
}
