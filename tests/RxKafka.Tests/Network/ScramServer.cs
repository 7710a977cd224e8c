using System.Security.Cryptography;
using System.Text;

namespace RxKafka.Tests.Network;

/// <summary>What the SCRAM server answers to one client message.</summary>
/// <param name="Token">The server message to send (empty when the exchange failed).</param>
/// <param name="Failure">Why the server fails the exchange (sent as SASL_AUTHENTICATION_FAILED), or null.</param>
/// <param name="IsFinal">Whether this answers the client-final-message.</param>
internal readonly record struct ScramStep(byte[] Token, string? Failure, bool IsFinal);

/// <summary>
/// The server side of SCRAM (RFC 5802) for one user, written from the RFC independently of the
/// client code: it stores only salt, iteration count, StoredKey and ServerKey, appends its own
/// nonce, checks the client proof and answers with the server signature. One exchange at a time;
/// after the client-final-message it is ready for the next one (re-authentication).
/// </summary>
internal sealed class ScramServer
{
    private readonly HashAlgorithmName _hash;
    private readonly int _hashSize;
    private readonly string _username;
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(16);
    private readonly int _iterations;
    private readonly byte[] _storedKey;
    private readonly byte[] _serverKey;
    private string? _clientFirstBare;
    private string? _serverFirst;
    private string? _nonce;

    public ScramServer(string mechanism, string username, string password, int iterations = 4096)
    {
        (_hash, _hashSize) = mechanism switch
        {
            "SCRAM-SHA-256" => (HashAlgorithmName.SHA256, 32),
            "SCRAM-SHA-512" => (HashAlgorithmName.SHA512, 64),
            _ => throw new ArgumentException(mechanism, nameof(mechanism)),
        };
        _username = username;
        _iterations = iterations;

        // What a broker keeps (kafka-configs --add-config 'SCRAM-SHA-256=[password=...]'): never the password.
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), _salt, iterations, _hash, _hashSize);
        _storedKey = Digest(Mac(salted, "Client Key"u8));
        _serverKey = Mac(salted, "Server Key"u8);
    }

    /// <summary>Every client-first-message received, in order.</summary>
    public List<string> ClientFirstMessages { get; } = new();

    /// <summary>Answer the client-final-message with a server signature that is wrong (one bit flipped).</summary>
    public bool SendWrongServerSignature { get; set; }

    /// <summary>Answer a bad proof with the RFC's <c>e=invalid-proof</c> server-final-message instead of failing with an error code.</summary>
    public bool RejectProofWithServerError { get; set; }

    /// <summary>How many exchanges ended with a verified proof.</summary>
    public int Successes { get; private set; }

    /// <summary>Handles one client message.</summary>
    public ScramStep Step(byte[] message)
    {
        var text = Encoding.UTF8.GetString(message);
        return _clientFirstBare is null ? ClientFirst(text) : ClientFinal(text);
    }

    private ScramStep ClientFirst(string text)
    {
        ClientFirstMessages.Add(text);
        if (!text.StartsWith("n,,", StringComparison.Ordinal))
        {
            return Fail($"client-first-message without the 'n,,' GS2 header: {text}");
        }

        var bare = text[3..];
        var attributes = Attributes(bare);
        if (!attributes.TryGetValue('n', out var user) || !attributes.TryGetValue('r', out var clientNonce) || clientNonce.Length == 0)
        {
            return Fail($"client-first-message lacks n= or r=: {bare}");
        }

        if (user != _username)
        {
            return Fail($"Authentication failed: unknown user '{user}'");
        }

        _clientFirstBare = bare;
        _nonce = clientNonce + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(_salt)},i={_iterations}";
        return new ScramStep(Encoding.UTF8.GetBytes(_serverFirst), null, IsFinal: false);
    }

    private ScramStep ClientFinal(string text)
    {
        var clientFirstBare = _clientFirstBare!;
        var serverFirst = _serverFirst!;
        var nonce = _nonce!;
        _clientFirstBare = _serverFirst = _nonce = null;

        var proofAt = text.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            return Fail($"client-final-message without a proof: {text}");
        }

        var withoutProof = text[..proofAt];
        var attributes = Attributes(withoutProof);
        if (attributes.GetValueOrDefault('c') != "biws")
        {
            return Fail($"client-final-message has channel binding '{attributes.GetValueOrDefault('c')}', expected 'biws'");
        }

        if (attributes.GetValueOrDefault('r') != nonce)
        {
            return Fail("client-final-message nonce does not match the server-first-message");
        }

        var proof = Convert.FromBase64String(text[(proofAt + 3)..]);
        var authMessage = Encoding.UTF8.GetBytes($"{clientFirstBare},{serverFirst},{withoutProof}");
        var clientSignature = Mac(_storedKey, authMessage);
        if (proof.Length != clientSignature.Length)
        {
            return Fail("client proof has the wrong length");
        }

        // ClientKey = ClientProof XOR ClientSignature; the proof is right when H(ClientKey) = StoredKey.
        var clientKey = new byte[proof.Length];
        for (var i = 0; i < proof.Length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }

        if (!CryptographicOperations.FixedTimeEquals(Digest(clientKey), _storedKey))
        {
            return RejectProofWithServerError
                ? new ScramStep("e=invalid-proof"u8.ToArray(), null, IsFinal: true)
                : Fail($"Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-{_hashSize * 8}");
        }

        Successes++;
        var serverSignature = Mac(_serverKey, authMessage);
        if (SendWrongServerSignature)
        {
            serverSignature[0] ^= 0x01;
        }

        return new ScramStep(Encoding.UTF8.GetBytes($"v={Convert.ToBase64String(serverSignature)}"), null, IsFinal: true);
    }

    private ScramStep Fail(string why)
    {
        _clientFirstBare = _serverFirst = _nonce = null;
        return new ScramStep([], why, IsFinal: true);
    }

    private static Dictionary<char, string> Attributes(string message)
    {
        var result = new Dictionary<char, string>();
        foreach (var part in message.Split(','))
        {
            if (part.Length >= 2 && part[1] == '=')
            {
                result.TryAdd(part[0], part[2..]);
            }
        }

        return result;
    }

    private byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) =>
        _hashSize == 32 ? HMACSHA256.HashData(key, data) : HMACSHA512.HashData(key, data);

    private byte[] Digest(ReadOnlySpan<byte> data) =>
        _hashSize == 32 ? SHA256.HashData(data) : SHA512.HashData(data);
}
