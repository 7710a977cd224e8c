using RxKafka.Protocol.Messages;

namespace RxKafka.Network.Sasl;

/// <summary>Turns SaslHandshake and SaslAuthenticate error codes into the exceptions the connection fails with.</summary>
internal static class SaslErrors
{
    /// <summary>The exception for a SaslHandshake response, or <see langword="null"/> when the broker accepted the mechanism.</summary>
    /// <param name="response">The broker's answer.</param>
    /// <param name="mechanism">The mechanism asked for.</param>
    /// <param name="broker">The broker, for the message (e.g. <c>broker-1:9093</c>).</param>
    internal static KafkaException? FromHandshake(SaslHandshakeResponse response, string mechanism, string broker)
    {
        var code = (ErrorCode)response.ErrorCode;
        return code switch
        {
            ErrorCode.None => null,
            ErrorCode.UnsupportedSaslMechanism => new UnsupportedSaslMechanismException(
                $"Broker {broker} does not enable the SASL mechanism '{mechanism}'; it offers: {Offered(response.Mechanisms)}. "
                + "Set sasl.mechanism to one of these, or enable the mechanism on the broker (sasl.enabled.mechanisms)."),
            ErrorCode.IllegalSaslState => new AuthenticationException(
                ErrorCode.IllegalSaslState,
                $"Broker {broker} rejected SaslHandshake for '{mechanism}' as out of sequence (ILLEGAL_SASL_STATE)."),
            _ => KafkaErrors.ToException(code, $"SaslHandshake for SASL mechanism '{mechanism}' with broker {broker}"),
        };
    }

    /// <summary>The exception for a SaslAuthenticate response, or <see langword="null"/> when it carries no error.</summary>
    /// <param name="response">The broker's answer.</param>
    /// <param name="mechanism">The mechanism in use.</param>
    /// <param name="broker">The broker, for the message.</param>
    /// <param name="authenticator">The exchange's authenticator; an OAUTHBEARER error challenge it saw is added to the message.</param>
    internal static KafkaException? FromAuthenticate(SaslAuthenticateResponse response, string mechanism, string broker, ISaslAuthenticator? authenticator = null)
    {
        var code = (ErrorCode)response.ErrorCode;
        if (code == ErrorCode.None)
        {
            return null;
        }

        string brokerMessage = string.IsNullOrEmpty(response.ErrorMessage) ? "(the broker gave no message)" : response.ErrorMessage;
        string detail = authenticator is ISaslFailureDetail { FailureDetail: { } d } ? $" Server error challenge: {d}." : string.Empty;
        return code switch
        {
            ErrorCode.SaslAuthenticationFailed => new AuthenticationException(
                $"SASL {mechanism} authentication with broker {broker} failed: {brokerMessage}.{detail} Check the credentials and the broker's SASL set-up."),
            ErrorCode.IllegalSaslState => new AuthenticationException(
                ErrorCode.IllegalSaslState,
                $"SASL {mechanism} exchange with broker {broker} is out of sequence (ILLEGAL_SASL_STATE): {brokerMessage}.{detail}"),
            ErrorCode.UnsupportedSaslMechanism => new UnsupportedSaslMechanismException(
                $"Broker {broker} does not support SASL mechanism '{mechanism}': {brokerMessage}."),
            _ => KafkaErrors.ToException(code, $"SaslAuthenticate ({mechanism}) with broker {broker}: {brokerMessage}{detail}"),
        };
    }

    private static string Offered(List<string>? mechanisms) =>
        mechanisms is { Count: > 0 } ? string.Join(", ", mechanisms) : "(none)";
}
