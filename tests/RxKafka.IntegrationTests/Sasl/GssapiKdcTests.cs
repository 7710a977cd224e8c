using RxKafka.IntegrationTests.Support;
using RxKafka.Testing.Kerberos;

namespace RxKafka.IntegrationTests.Sasl;

/// <summary>
/// SASL GSSAPI against a real MIT KDC (Debian krb5-kdc, realm RXKAFKA.TEST from scripts/setup.sh)
/// started on loopback, with .NET's <c>NegotiateAuthentication</c> on both sides through Debian's
/// libgssapi_krb5.so.2.
/// </summary>
/// <remarks>
/// The MIT library reads KRB5_CONFIG, KRB5CCNAME and KRB5_KTNAME from the native environment, which
/// this process cannot change once it runs; so each exchange (<see cref="GssapiKdcExchanges"/>) runs in a
/// child process of this test assembly started with the KDC's environment, and each scenario gets a
/// fresh one (a ticket cache, or none).
/// </remarks>
public sealed class GssapiKdcTests
{
    [Fact]
    public void Ticket_from_kinit_with_the_client_keytab_authenticates_to_a_NegotiateAuthentication_acceptor()
    {
        using var kdc = StartKdc();
        var ticketCache = kdc.KinitClient();

        AssertPassed(kdc, nameof(GssapiKdcExchanges.Ticket_holder_authenticates_to_the_kafka_service_and_picks_no_security_layer), ticketCache);

        // The KDC issued the service ticket the exchange used.
        kdc.WaitForLog($"{MiniKdc.ClientPrincipal} for {MiniKdc.ServicePrincipal}", TimeSpan.FromSeconds(10));
        Assert.Contains($"{MiniKdc.ClientPrincipal} for {MiniKdc.ServicePrincipal}", kdc.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_credential_authenticates_without_a_ticket_cache()
    {
        using var kdc = StartKdc();

        AssertPassed(kdc, nameof(GssapiKdcExchanges.Password_credential_authenticates_without_a_ticket_cache), kdc.EmptyCredentialCache());
    }

    [Fact]
    public void A_client_without_a_ticket_fails_with_an_AuthenticationException()
    {
        using var kdc = StartKdc();

        AssertPassed(kdc, nameof(GssapiKdcExchanges.Client_without_a_ticket_fails_with_an_AuthenticationException_naming_GSSAPI), kdc.EmptyCredentialCache());
    }

    [Fact]
    public void A_service_principal_the_KDC_does_not_know_fails_with_an_AuthenticationException()
    {
        using var kdc = StartKdc();
        var ticketCache = kdc.KinitClient();

        AssertPassed(kdc, nameof(GssapiKdcExchanges.Ticket_holder_asking_for_a_service_the_KDC_does_not_know_fails_with_an_AuthenticationException), ticketCache);

        kdc.WaitForLog("kafka/no-such-broker@" + MiniKdc.Realm, TimeSpan.FromSeconds(10));
        Assert.Contains("kafka/no-such-broker@" + MiniKdc.Realm, kdc.Output, StringComparison.Ordinal);
    }

    private static MiniKdc StartKdc()
    {
        Prerequisites.RequireKerberos();
        return MiniKdc.Start();
    }

    private static void AssertPassed(MiniKdc kdc, string exchange, string credentialCache)
    {
        var result = ChildTestRun.Run(typeof(GssapiKdcExchanges), exchange, kdc.EnvironmentFor(credentialCache), kdc.WorkDirectory);
        TestContext.Current.SendDiagnosticMessage($"{exchange}: {result.Outcome} in a child process ({result.Elapsed.TotalMilliseconds:F0} ms with start-up)");
        if (!result.Passed)
        {
            var trace = File.Exists(kdc.TracePath) ? File.ReadAllText(kdc.TracePath) : "(none)";
            Assert.Fail($"{result.Test} in the child process: {result.Outcome}, exit code {result.ExitCode}.\n--- child output ---\n{result.Output}\n--- KDC log ---\n{kdc.Output}\n--- KRB5_TRACE ---\n{trace}");
        }
    }
}
