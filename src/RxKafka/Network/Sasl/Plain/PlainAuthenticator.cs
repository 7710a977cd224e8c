using System.Security.Cryptography;

namespace RxKafka.Network.Sasl.Plain;

/// <summary>One PLAIN exchange: a single client message; the server answers with an empty token or an error code.</summary>
internal sealed class PlainAuthenticator : ISaslAuthenticator
{
    private byte[]? _message;
    private bool _sent;

    internal PlainAuthenticator(byte[] message) => _message = message;

    public bool IsComplete => _sent;

    public ValueTask<ReadOnlyMemory<byte>> InitialResponseAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_message is null, this);
        if (_sent)
        {
            throw new AuthenticationException(ErrorCode.IllegalSaslState, "SASL PLAIN: the initial response was already produced; create a new authenticator to authenticate again.");
        }

        _sent = true;

        // A copy, so disposing (which wipes the password) cannot change bytes still being written.
        return new ValueTask<ReadOnlyMemory<byte>>(_message.AsSpan().ToArray());
    }

    public ValueTask<ReadOnlyMemory<byte>?> EvaluateChallengeAsync(ReadOnlyMemory<byte> challenge, CancellationToken ct)
    {
        if (!_sent)
        {
            throw new AuthenticationException(ErrorCode.IllegalSaslState, "SASL PLAIN: a server challenge arrived before the initial response was sent.");
        }

        // Kafka's PLAIN server answers with an empty token; anything else is not PLAIN.
        if (!challenge.IsEmpty)
        {
            throw new AuthenticationException($"SASL PLAIN: the server sent a {challenge.Length}-byte challenge, but PLAIN has no server challenge (is the broker's mechanism really PLAIN?).");
        }

        return new ValueTask<ReadOnlyMemory<byte>?>((ReadOnlyMemory<byte>?)null);
    }

    public void Dispose()
    {
        if (_message is not null)
        {
            CryptographicOperations.ZeroMemory(_message);
            _message = null;
        }
    }
}
