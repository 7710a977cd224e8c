using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxKafka.Network.Sasl;
using RxKafka.Protocol.Messages;

namespace RxKafka.Network;

// C3, C4: SASL after negotiation (handshake v0 raw tokens or v1 SaslAuthenticate) and re-authentication.
public sealed partial class KafkaConnection
{
    private async Task<Unit> AuthenticateAsync(bool reauthentication, CancellationToken ct)
    {
        var mechanism = _options.Sasl!;
        if (mechanism.SendsSecretInClear && !_transport.IsEncrypted && !reauthentication)
        {
            _options.Logger?.LogWarning("SASL {Mechanism} to {Broker} sends the password without TLS; use SASL_SSL", mechanism.Name, Broker);
        }

        var versions = ApiVersions!;
        var handshakeVersion = versions.Pick(ApiKey.SaslHandshake, Broker);
        var handshake = await StartAsync(new SaslHandshakeRequest { Mechanism = mechanism.Name }, handshakeVersion, requireReady: false, ct).ConfigureAwait(false);
        if (SaslErrors.FromHandshake(handshake, mechanism.Name, Broker) is { } refused)
        {
            throw refused;
        }

        using var authenticator = mechanism.CreateAuthenticator(new SaslContext(Endpoint.Host, Endpoint.Port, _transport.IsEncrypted));
        SaslAuthenticationResult result;
        if (handshakeVersion >= 1)
        {
            // Handshake v1: every token travels in a SaslAuthenticate request.
            var authenticateVersion = versions.Pick(ApiKey.SaslAuthenticate, Broker);
            result = await SaslExchange.AuthenticateAsync(
                authenticator,
                mechanism.Name,
                Broker,
                (bytes, token) => new ValueTask<SaslAuthenticateResponse>(
                    StartAsync(new SaslAuthenticateRequest { AuthBytes = bytes.ToArray() }, authenticateVersion, requireReady: false, token)),
                ct).ConfigureAwait(false);
        }
        else
        {
            // Handshake v0: raw size-prefixed tokens, no Kafka header; no re-authentication. The broker
            // answers a token only when it has something to say: after a client token that completes the
            // client side (GSSAPI's security-layer reply) it sends nothing, so that one is not awaited.
            var first = true;
            result = await SaslExchange.AuthenticateAsync(
                authenticator,
                mechanism.Name,
                Broker,
                (bytes, token) =>
                {
                    var expectsAnswer = first || !authenticator.IsComplete;
                    first = false;
                    return new ValueTask<SaslAuthenticateResponse>(StartRawToken(bytes.ToArray(), expectsAnswer, token));
                },
                ct).ConfigureAwait(false);
            result = new SaslAuthenticationResult(0);
        }

        if (result.SessionLifetimeMs > 0)
        {
            // C4 (KIP-368): authenticate again before the session ends, while requests keep flowing.
            var due = TimeSpan.FromMilliseconds(result.SessionLifetimeMs * _options.ReauthenticationFraction);
            _reauthTimer.Disposable = _scheduler.Schedule(due, Reauthenticate);
        }

        return Unit.Default;
    }

    private void Reauthenticate()
    {
        if (_closed)
        {
            return;
        }

        InlineTasks.FromInlineTask(ct => AuthenticateAsync(reauthentication: true, ct)).Subscribe(
            _ => { },
            e => Close(e is ConnectionClosedException c ? c.Reason : CloseReason.AuthFailure, e));
    }

    private Task<SaslAuthenticateResponse> StartRawToken(byte[] token, bool expectsAnswer, CancellationToken cancellationToken)
    {
        // Without an answer the token completes, with an empty response, once written.
        var completion = new ResponseCompletion<SaslAuthenticateResponse>(cancellationToken, runContinuationsAsynchronously: !_inline);
        var pending = new PendingRequest(new SaslAuthenticateRequest { AuthBytes = token }, 0, 0, expectsResponse: expectsAnswer, completion) { RawToken = token, Size = token.Length };
        _writer.Enqueue(pending);
        return completion.Task;
    }
}
