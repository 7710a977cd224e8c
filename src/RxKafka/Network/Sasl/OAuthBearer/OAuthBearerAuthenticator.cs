
namespace RxKafka.Network.Sasl.OAuthBearer;

/// <summary>
/// One OAUTHBEARER exchange (RFC 7628 section 3): the client initial response with the token; the
/// server answers with an empty token (success) or a JSON error challenge, to which the client must
/// reply with a single Control-A before the server fails the exchange.
/// </summary>
internal sealed class OAuthBearerAuthenticator : ISaslAuthenticator, ISaslFailureDetail
{
    private static readonly byte[] ErrorAcknowledgement = [0x01];

    private readonly Func<CancellationToken, ValueTask<OAuthBearerToken>> _tokenProvider;
    private State _state;

    internal OAuthBearerAuthenticator(Func<CancellationToken, ValueTask<OAuthBearerToken>> tokenProvider) => _tokenProvider = tokenProvider;

    private enum State
    {
        Initial,
        TokenSent,
        ErrorAcknowledged,
        Complete,
        Failed,
    }

    public bool IsComplete => _state == State.Complete;

    /// <summary>The server's error challenge, described, once one arrived.</summary>
    public string? FailureDetail { get; private set; }

    /// <summary>The token sent, once the initial response is made (its expiry bounds the session).</summary>
    internal OAuthBearerToken? Token { get; private set; }

    public async ValueTask<ReadOnlyMemory<byte>> InitialResponseAsync(CancellationToken ct)
    {
        if (_state != State.Initial)
        {
            throw new AuthenticationException(ErrorCode.IllegalSaslState, $"OAUTHBEARER: the initial response was asked for in state {_state}; create a new authenticator to authenticate again.");
        }

        OAuthBearerToken? token;
        try
        {
            token = await _tokenProvider(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not KafkaException)
        {
            _state = State.Failed;
            throw new AuthenticationException($"OAUTHBEARER: the token provider failed: {e.Message}", e);
        }

        if (token is null)
        {
            _state = State.Failed;
            throw new AuthenticationException("OAUTHBEARER: the token provider returned no token.");
        }

        Token = token;
        _state = State.TokenSent;
        return OAuthBearerMessages.ClientInitialResponse(token);
    }

    public ValueTask<ReadOnlyMemory<byte>?> EvaluateChallengeAsync(ReadOnlyMemory<byte> challenge, CancellationToken ct)
    {
        switch (_state)
        {
            case State.TokenSent when challenge.IsEmpty:
                _state = State.Complete;
                return new ValueTask<ReadOnlyMemory<byte>?>((ReadOnlyMemory<byte>?)null);
            case State.TokenSent:
                // RFC 7628 section 3.2.3: acknowledge the error with a lone %x01; the server then fails the exchange.
                FailureDetail = OAuthBearerMessages.DescribeServerError(challenge.Span);
                _state = State.ErrorAcknowledged;
                return new ValueTask<ReadOnlyMemory<byte>?>(ErrorAcknowledgement.AsMemory());
            case State.ErrorAcknowledged:
                _state = State.Failed;
                throw new AuthenticationException($"OAUTHBEARER: the broker rejected the token: {FailureDetail}");
            default:
                throw new AuthenticationException(ErrorCode.IllegalSaslState, $"OAUTHBEARER: a server challenge arrived in state {_state}.");
        }
    }

    public void Dispose()
    {
        Token = null;
    }
}
