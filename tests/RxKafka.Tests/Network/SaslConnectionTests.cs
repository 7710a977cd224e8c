// Virtual time: tasks are completed by advancing the TestScheduler and checked before .Result is read.
#pragma warning disable xUnit1031, xUnit1051

using System.Text;
using Microsoft.Reactive.Testing;
using RxKafka.Network;
using RxKafka.Network.Sasl;
using RxKafka.Network.Sasl.Plain;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.Network;

namespace RxKafka.Tests.Network;

/// <summary>SASL on the connection (C3) and re-authentication (C4), in virtual time.</summary>
public sealed class SaslConnectionTests : ReactiveTest
{
    private static readonly BrokerEndpoint Endpoint = new("broker-1", 9092);
    private static readonly byte[] AlicePlain = Encoding.UTF8.GetBytes("\0alice\0secret");
    private readonly TestScheduler _scheduler = new();
    private readonly ScriptedBroker _broker;

    public SaslConnectionTests() => _broker = new ScriptedBroker(_scheduler);

    private ConnectionOptions Options => new() { Scheduler = _scheduler, Sasl = new PlainMechanism("alice", "secret") };

    private void AcceptPlain(long sessionLifetimeMs = 0)
        => _broker.Handler = r => r.Request switch
        {
            SaslHandshakeRequest h => BrokerReply.Respond(new SaslHandshakeResponse { Mechanisms = ["PLAIN", "SCRAM-SHA-256"] }),
            SaslAuthenticateRequest a when a.AuthBytes.AsSpan().SequenceEqual(AlicePlain) => BrokerReply.Respond(new SaslAuthenticateResponse { SessionLifetimeMs = sessionLifetimeMs }),
            SaslAuthenticateRequest => BrokerReply.Respond(new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.SaslAuthenticationFailed, ErrorMessage = "bad password" }),
            _ => BrokerReply.Respond(new MetadataResponse(), TimeSpan.FromSeconds(5)),
        };

    [Fact]
    public void C3_plain_authenticates_after_negotiation_with_handshake_v1()
    {
        AcceptPlain();
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options);
        _scheduler.AdvanceBy(2);
        Assert.False(task.IsCompleted);
        _scheduler.AdvanceBy(1); // ApiVersions at tick 1, SaslHandshake at 2, SaslAuthenticate at 3
        Assert.True(task.IsCompletedSuccessfully, $"{task.Status} {task.Exception?.InnerException} reqs={string.Join(",", _broker.Requests.Select(r => r.ApiKey + "@" + r.ReceivedAt.Ticks))}");
        Assert.Equal([ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate], _broker.Requests.Select(r => r.ApiKey));
        Assert.Equal("PLAIN", ((SaslHandshakeRequest)_broker.Requests[1].Request).Mechanism);
        Assert.Equal(ConnectionStatus.Ready, task.Result.CurrentState.Status);
    }

    [Fact]
    public void C3_the_state_stream_passes_through_Authenticating()
    {
        AcceptPlain();
        var states = new List<ConnectionStatus>();
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options);
        _scheduler.AdvanceBy(1);
        _scheduler.AdvanceBy(2);
        task.Result.State.Subscribe(s => states.Add(s.Status));
        Assert.Equal([ConnectionStatus.Ready], states); // a late subscriber gets the current state
        Assert.Contains(_broker.Requests, r => r.ApiKey == ApiKey.SaslAuthenticate);
    }

    [Fact]
    public void C3_bad_credentials_fail_with_AuthenticationException_and_close_with_AuthFailure()
    {
        AcceptPlain();
        var options = Options with { Sasl = new PlainMechanism("alice", "wrong") };
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, options);
        _scheduler.AdvanceBy(3);
        Assert.True(task.IsFaulted);
        var e = Assert.IsType<AuthenticationException>(task.Exception!.InnerException);
        Assert.Contains("bad password", e.Message);
        Assert.True(Assert.Single(_broker.Connections).IsDisposed); // the failed connection was closed, not left open
    }

    [Fact]
    public void C3_a_mechanism_the_broker_does_not_offer_names_what_it_offers()
    {
        _broker.Handler = r => r.Request is SaslHandshakeRequest
            ? BrokerReply.Respond(new SaslHandshakeResponse { ErrorCode = (short)ErrorCode.UnsupportedSaslMechanism, Mechanisms = ["SCRAM-SHA-512", "GSSAPI"] })
            : BrokerReply.Silence;
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options);
        _scheduler.AdvanceBy(2);
        var e = Assert.IsType<UnsupportedSaslMechanismException>(task.Exception!.InnerException);
        Assert.Contains("SCRAM-SHA-512", e.Message);
        Assert.Contains("GSSAPI", e.Message);
        Assert.DoesNotContain(_broker.Requests, r => r.ApiKey == ApiKey.SaslAuthenticate);
    }

    [Fact]
    public void C3_handshake_v0_sends_raw_tokens_without_a_kafka_header()
    {
        _broker.ApiVersionsOverride = _ => BrokerReply.Respond(new ApiVersionsResponse
        {
            ApiKeys = [new() { ApiKey = (short)ApiKey.ApiVersions, MaxVersion = 2 }, new() { ApiKey = (short)ApiKey.SaslHandshake, MaxVersion = 0 }, new() { ApiKey = (short)ApiKey.Metadata, MaxVersion = 5 }],
        });
        AcceptPlain();
        _broker.RawTokenHandler = token => [];
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options);
        _scheduler.AdvanceBy(3);
        Assert.True(task.IsCompletedSuccessfully, task.Exception?.InnerException?.Message);
        Assert.Equal(AlicePlain, Assert.Single(_broker.RawTokens));
        Assert.Equal(0, _broker.Requests[1].Version);

        // Afterwards ordinary requests pair with their responses again.
        var metadata = task.Result.SendAsync(new MetadataRequest());
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        Assert.True(metadata.IsCompletedSuccessfully);
    }

    [Fact]
    public void C4_reauthenticates_before_the_session_ends_without_failing_requests_in_flight()
    {
        AcceptPlain(sessionLifetimeMs: 60_000);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options);
        _scheduler.AdvanceBy(3);
        var connection = task.Result;
        var authenticatedAt = _scheduler.Clock;

        // A request in flight across the re-authentication (answered 5 s after it is sent).
        _scheduler.AdvanceTo(authenticatedAt + TimeSpan.FromSeconds(52).Ticks);
        var inFlight = connection.SendAsync(new MetadataRequest());

        _scheduler.AdvanceTo(authenticatedAt + TimeSpan.FromSeconds(54).Ticks - 1);
        Assert.Equal(1, _broker.Requests.Count(r => r.ApiKey == ApiKey.SaslHandshake));
        _scheduler.AdvanceBy(1); // 90% of 60 s: the handshake goes out while Metadata is still pending
        Assert.Equal(2, _broker.Requests.Count(r => r.ApiKey == ApiKey.SaslHandshake));
        Assert.False(inFlight.IsCompleted);

        // The broker answers in order: Metadata at 57 s, then the handshake; SaslAuthenticate follows.
        _scheduler.AdvanceTo(authenticatedAt + TimeSpan.FromSeconds(57).Ticks);
        Assert.True(inFlight.IsCompletedSuccessfully);
        Assert.Equal(2, _broker.Requests.Count(r => r.ApiKey == ApiKey.SaslAuthenticate));
        _scheduler.AdvanceBy(1);
        Assert.Equal(ConnectionStatus.Ready, connection.CurrentState.Status);
        var reauthenticatedAt = _scheduler.Clock;

        // And again 54 s after the second authentication.
        _scheduler.AdvanceTo(reauthenticatedAt + TimeSpan.FromSeconds(54).Ticks - 1);
        Assert.Equal(2, _broker.Requests.Count(r => r.ApiKey == ApiKey.SaslHandshake));
        _scheduler.AdvanceBy(2);
        Assert.Equal(3, _broker.Requests.Count(r => r.ApiKey == ApiKey.SaslAuthenticate));
    }

    [Fact]
    public void C4_a_failed_reauthentication_closes_with_AuthFailure()
    {
        AcceptPlain(sessionLifetimeMs: 10_000);
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, Options);
        _scheduler.AdvanceBy(3);
        var connection = task.Result;
        _broker.Handler = r => r.Request is SaslHandshakeRequest
            ? BrokerReply.Respond(new SaslHandshakeResponse { Mechanisms = ["PLAIN"] })
            : BrokerReply.Respond(new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.SaslAuthenticationFailed, ErrorMessage = "credentials revoked" });
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(9).Ticks + 2);
        Assert.Equal(CloseReason.AuthFailure, connection.CurrentState.Reason);
        Assert.Contains("credentials revoked", connection.CurrentState.Error!.Message);
    }

    [Fact]
    public void C6_a_token_step_that_never_finishes_fails_the_connect_at_the_setup_timeout()
    {
        // The broker never answers SaslAuthenticate: without a bound the connect would wait forever.
        _broker.Handler = r => r.Request is SaslHandshakeRequest ? BrokerReply.Respond(new SaslHandshakeResponse { Mechanisms = ["PLAIN"] }) : BrokerReply.Silence;
        var options = Options with { SetupTimeout = TimeSpan.FromSeconds(10), RequestTimeout = TimeSpan.FromMinutes(5) };
        var task = KafkaConnection.ConnectAsync(Endpoint, _broker, options);
        _scheduler.AdvanceTo(TimeSpan.FromSeconds(10).Ticks - 1);
        Assert.False(task.IsCompleted);
        _scheduler.AdvanceBy(1);
        var e = Assert.IsType<ConnectionClosedException>(task.Exception!.InnerException);
        Assert.Equal(CloseReason.ConnectionTimeout, e.Reason);
        Assert.Contains("Authenticating", e.Message);
        Assert.True(Assert.Single(_broker.Connections).IsDisposed);
    }
}
