using System.Text;
using RxKafka.Network.Sasl;
using RxKafka.Network.Sasl.Scram;

namespace RxKafka.Tests.Network.Sasl;

public sealed class ScramFuzzTests
{
    private const string ClientNonce = "rOprNGfwEbeRWgbNEkqO";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    [Fact]
    public async Task Mutated_server_messages_fail_only_with_authentication_exceptions() // C3: bad input gives a typed error
    {
        var random = new Random(20240501);
        var mechanism = new ScramMechanism(ScramMechanism.Sha256Name, "user", "pencil", tokenAuthentication: false, () => ClientNonce);
        var ct = TestContext.Current.CancellationToken;
        int failures = 0, successes = 0;

        for (int i = 0; i < 300; i++)
        {
            bool mutateFirst = random.Next(2) == 0;
            byte[] first = mutateFirst ? Mutate(random, ServerFirst) : Encoding.UTF8.GetBytes(ServerFirst);
            byte[] final = mutateFirst ? Encoding.UTF8.GetBytes(ServerFinal) : Mutate(random, ServerFinal);
            using var auth = mechanism.CreateAuthenticator(new SaslContext("b", 9092, IsTls: true));
            await auth.InitialResponseAsync(ct);
            try
            {
                await auth.EvaluateChallengeAsync(first, ct);
                await auth.EvaluateChallengeAsync(final, ct);
                Assert.True(auth.IsComplete);
                successes++;
            }
            catch (AuthenticationException)
            {
                Assert.False(auth.IsComplete);
                failures++;
            }
        }

        // Most mutations break the exchange; a few (e.g. ignored base64 padding bits, extra attributes) do not.
        Assert.True(failures > 200, $"only {failures} of 300 mutations failed");
        Assert.Equal(300, failures + successes);
    }

    private static byte[] Mutate(Random random, string message)
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(message));
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.RemoveAt(at); break;
                case 2: bytes.Insert(at, (byte)"=,rsiv0123456789\u00ff"[random.Next(17)]); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        return bytes.ToArray();
    }
}
