using System.Security.Cryptography;
using System.Text;

namespace RxKafka.Network.Sasl.Scram;

/// <summary>
/// One SCRAM exchange (RFC 5802 section 3): client-first, server-first, client-final with the proof,
/// server-final with the server signature, which is checked before the exchange counts as complete.
/// </summary>
internal sealed class ScramAuthenticator : ISaslAuthenticator
{
    private readonly ScramAlgorithm _algorithm;
    private readonly string _username;
    private readonly bool _tokenAuthentication;
    private readonly string _clientNonce;
    private byte[]? _password;
    private string? _clientFirstBare;
    private byte[]? _expectedServerSignature;
    private State _state;

    internal ScramAuthenticator(ScramAlgorithm algorithm, string username, string password, bool tokenAuthentication, string clientNonce)
    {
        ScramMessages.ValidateClientNonce(clientNonce);
        _algorithm = algorithm;
        _username = username;
        _tokenAuthentication = tokenAuthentication;
        _clientNonce = clientNonce;

        // Kafka (client and broker) hashes the password's UTF-8 bytes without SASLprep; doing the
        // same keeps credentials created by kafka-configs working for every password.
        _password = Encoding.UTF8.GetBytes(password);
    }

    private enum State
    {
        Initial,
        ClientFirstSent,
        ClientFinalSent,
        Complete,
        Failed,
    }

    public bool IsComplete => _state == State.Complete;

    public ValueTask<ReadOnlyMemory<byte>> InitialResponseAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_password is null, this);
        Expect(State.Initial, "the initial response");
        _clientFirstBare = ScramMessages.ClientFirstBare(_username, _clientNonce, _tokenAuthentication);
        _state = State.ClientFirstSent;
        return new ValueTask<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes(ScramMessages.Gs2Header + _clientFirstBare));
    }

    public ValueTask<ReadOnlyMemory<byte>?> EvaluateChallengeAsync(ReadOnlyMemory<byte> challenge, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_password is null, this);
        try
        {
            switch (_state)
            {
                case State.ClientFirstSent:
                    return new ValueTask<ReadOnlyMemory<byte>?>(ClientFinal(challenge.Span));
                case State.ClientFinalSent:
                    VerifyServerFinal(challenge.Span);
                    return new ValueTask<ReadOnlyMemory<byte>?>((ReadOnlyMemory<byte>?)null);
                default:
                    throw new AuthenticationException(ErrorCode.IllegalSaslState, $"{_algorithm.Name}: a server challenge arrived in state {_state}; the exchange is {(_state == State.Complete ? "already complete" : "not started or has failed")}.");
            }
        }
        catch (AuthenticationException) when (_state is State.ClientFirstSent or State.ClientFinalSent)
        {
            _state = State.Failed;
            throw;
        }
    }

    public void Dispose()
    {
        if (_password is not null)
        {
            CryptographicOperations.ZeroMemory(_password);
            _password = null;
        }
    }

    private ReadOnlyMemory<byte> ClientFinal(ReadOnlySpan<byte> serverFirstBytes)
    {
        string serverFirst = ScramMessages.DecodeServerMessage(serverFirstBytes, _algorithm.Name, "server-first-message");
        ScramServerFirst parsed = ScramMessages.ParseServerFirst(serverFirst, _clientNonce, _algorithm.Name);
        string withoutProof = ScramMessages.ClientFinalWithoutProof(parsed.Nonce);
        byte[] authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{serverFirst},{withoutProof}");

        byte[] saltedPassword = _algorithm.SaltedPassword(_password, parsed.Salt, parsed.Iterations);
        byte[] clientKey = _algorithm.Hmac(saltedPassword, "Client Key"u8);
        byte[] storedKey = _algorithm.H(clientKey);
        byte[] clientSignature = _algorithm.Hmac(storedKey, authMessage);
        byte[] serverKey = _algorithm.Hmac(saltedPassword, "Server Key"u8);
        _expectedServerSignature = _algorithm.Hmac(serverKey, authMessage);

        // ClientProof = ClientKey XOR ClientSignature, computed in place.
        for (int i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= clientSignature[i];
        }

        string clientFinal = $"{withoutProof},p={Convert.ToBase64String(clientKey)}";
        CryptographicOperations.ZeroMemory(saltedPassword);
        CryptographicOperations.ZeroMemory(clientKey);
        CryptographicOperations.ZeroMemory(storedKey);
        CryptographicOperations.ZeroMemory(serverKey);
        _state = State.ClientFinalSent;
        return Encoding.UTF8.GetBytes(clientFinal);
    }

    private void VerifyServerFinal(ReadOnlySpan<byte> serverFinalBytes)
    {
        string serverFinal = ScramMessages.DecodeServerMessage(serverFinalBytes, _algorithm.Name, "server-final-message");
        byte[] signature = ScramMessages.ParseServerFinal(serverFinal, _algorithm.Name);
        if (!CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
        {
            throw new AuthenticationException($"{_algorithm.Name}: the server signature (v=) is wrong: the broker does not hold this user's credential (misconfigured broker or a man-in-the-middle).");
        }

        _state = State.Complete;
    }

    private void Expect(State expected, string what)
    {
        if (_state != expected)
        {
            throw new AuthenticationException(ErrorCode.IllegalSaslState, $"{_algorithm.Name}: {what} was asked for in state {_state}; create a new authenticator to authenticate again.");
        }
    }
}
