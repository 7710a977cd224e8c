using RxKafka.Protocol.Messages;

namespace RxKafka.Network.Sasl;

/// <summary>What a finished SASL exchange tells the connection.</summary>
/// <param name="SessionLifetimeMs">The broker's session lifetime (SaslAuthenticate v1+): re-authenticate before it ends (KIP-368); 0 means no limit.</param>
internal readonly record struct SaslAuthenticationResult(long SessionLifetimeMs);

/// <summary>
/// Drives one authenticator through SaslAuthenticate round trips (Kafka framing, SaslHandshake v1):
/// send the client's message, check the broker's error code, hand the broker's bytes to the
/// authenticator, repeat until it has nothing more to send.
/// </summary>
internal static class SaslExchange
{
    /// <summary>More round trips than any mechanism needs (GSSAPI takes about three).</summary>
    internal const int MaxRoundTrips = 32;

    /// <summary>Runs the exchange.</summary>
    /// <param name="authenticator">A fresh authenticator.</param>
    /// <param name="mechanism">The mechanism's name, for messages.</param>
    /// <param name="broker">The broker, for messages.</param>
    /// <param name="sendAsync">Sends one SaslAuthenticate request with these auth bytes and returns the broker's response.</param>
    /// <param name="ct">Cancels the exchange.</param>
    /// <exception cref="AuthenticationException">The broker or the authenticator rejected the exchange.</exception>
    internal static async ValueTask<SaslAuthenticationResult> AuthenticateAsync(
        ISaslAuthenticator authenticator,
        string mechanism,
        string broker,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<SaslAuthenticateResponse>> sendAsync,
        CancellationToken ct)
    {
        ReadOnlyMemory<byte> message = await authenticator.InitialResponseAsync(ct).ConfigureAwait(false);
        for (int round = 0; round < MaxRoundTrips; round++)
        {
            SaslAuthenticateResponse response = await sendAsync(message, ct).ConfigureAwait(false);
            if (SaslErrors.FromAuthenticate(response, mechanism, broker, authenticator) is { } error)
            {
                throw error;
            }

            if (authenticator.IsComplete)
            {
                return new SaslAuthenticationResult(response.SessionLifetimeMs);
            }

            ReadOnlyMemory<byte>? next = await authenticator.EvaluateChallengeAsync(response.AuthBytes ?? [], ct).ConfigureAwait(false);
            if (next is null)
            {
                if (!authenticator.IsComplete)
                {
                    throw new AuthenticationException(ErrorCode.IllegalSaslState, $"SASL {mechanism} with broker {broker}: the client stopped before the exchange completed.");
                }

                return new SaslAuthenticationResult(response.SessionLifetimeMs);
            }

            message = next.Value;
        }

        throw new AuthenticationException($"SASL {mechanism} with broker {broker} did not finish within {MaxRoundTrips} round trips.");
    }
}
