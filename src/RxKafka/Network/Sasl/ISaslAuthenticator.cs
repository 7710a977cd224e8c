namespace RxKafka.Network.Sasl;

/// <summary>
/// The client side of one SASL exchange: a state machine that produces the client's messages and
/// checks the server's. Created by <see cref="ISaslMechanism.CreateAuthenticator"/>; used once, by one
/// connection, from one thread at a time.
/// </summary>
/// <remarks>
/// The connection sends the result of <see cref="InitialResponseAsync"/> in the first SaslAuthenticate
/// request. While <see cref="IsComplete"/> is <see langword="false"/> it passes each server reply to
/// <see cref="EvaluateChallengeAsync"/> and sends what comes back, until that returns <see langword="null"/>.
/// Once <see cref="IsComplete"/> is <see langword="true"/> the client has nothing more to send or check;
/// the broker's answer to the last message still carries the error code that decides the outcome.
/// </remarks>
public interface ISaslAuthenticator : IDisposable
{
    /// <summary>The client's first message (may be empty).</summary>
    /// <param name="ct">Cancels a token provider or other asynchronous work.</param>
    /// <exception cref="AuthenticationException">The first message cannot be made (e.g. Kerberos has no credentials).</exception>
    ValueTask<ReadOnlyMemory<byte>> InitialResponseAsync(CancellationToken ct);

    /// <summary>Checks a server challenge and returns the response to send, or <see langword="null"/> when there is nothing more to send.</summary>
    /// <param name="challenge">The bytes the server sent (SaslAuthenticate response <c>AuthBytes</c>).</param>
    /// <param name="ct">Cancels asynchronous work.</param>
    /// <exception cref="AuthenticationException">The challenge is malformed, fails verification, or reports an error.</exception>
    ValueTask<ReadOnlyMemory<byte>?> EvaluateChallengeAsync(ReadOnlyMemory<byte> challenge, CancellationToken ct);

    /// <summary>Whether the client side of the exchange has finished successfully.</summary>
    bool IsComplete { get; }
}
