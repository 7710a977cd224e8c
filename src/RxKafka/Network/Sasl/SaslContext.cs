namespace RxKafka.Network.Sasl;

/// <summary>What a SASL mechanism may need to know about the broker connection it authenticates.</summary>
/// <param name="Host">The broker's host name as the client connects to it (GSSAPI builds the service principal <c>kafka/&lt;host&gt;</c> from it).</param>
/// <param name="Port">The broker's port.</param>
/// <param name="IsTls">Whether the connection is encrypted with TLS (SASL_SSL); PLAIN warns when it is not.</param>
public sealed record SaslContext(string Host, int Port, bool IsTls);
