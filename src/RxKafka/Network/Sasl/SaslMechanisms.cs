using System.Globalization;
using RxKafka.Network.Sasl.Gssapi;
using RxKafka.Network.Sasl.OAuthBearer;
using RxKafka.Network.Sasl.Plain;
using RxKafka.Network.Sasl.Scram;

namespace RxKafka.Network.Sasl;

/// <summary>
/// Builds a SASL mechanism from Kafka's (and Confluent.Kafka's) configuration names:
/// <c>sasl.mechanism</c>, <c>sasl.username</c>, <c>sasl.password</c>, <c>sasl.kerberos.service.name</c>,
/// and for development OAUTHBEARER <c>enable.sasl.oauthbearer.unsecure.jwt</c> with <c>sasl.oauthbearer.config</c>.
/// </summary>
public static class SaslMechanisms
{
    /// <summary>The config name of the mechanism.</summary>
    public const string MechanismConfig = "sasl.mechanism";

    /// <summary>The config name of the user name (PLAIN, SCRAM).</summary>
    public const string UsernameConfig = "sasl.username";

    /// <summary>The config name of the password (PLAIN, SCRAM).</summary>
    public const string PasswordConfig = "sasl.password";

    /// <summary>The config name of the Kerberos service name (GSSAPI; default <c>kafka</c>).</summary>
    public const string KerberosServiceNameConfig = "sasl.kerberos.service.name";

    /// <summary>The config name that enables unsecured JWTs for OAUTHBEARER (development only).</summary>
    public const string OAuthBearerUnsecureJwtConfig = "enable.sasl.oauthbearer.unsecure.jwt";

    /// <summary>The config name of the unsecured-JWT settings: <c>principal=NAME [scope=a,b] [lifeSeconds=N] [extension_KEY=VALUE]...</c>.</summary>
    public const string OAuthBearerConfig = "sasl.oauthbearer.config";

    // librdkafka's spelling of sasl.mechanism.
    private const string MechanismsConfig = "sasl.mechanisms";

    /// <summary>The mechanisms RxKafka implements, by name.</summary>
    public static IReadOnlyList<string> Supported { get; } =
        Array.AsReadOnly(["PLAIN", ScramMechanism.Sha256Name, ScramMechanism.Sha512Name, "OAUTHBEARER", "GSSAPI"]);

    /// <summary>Builds the mechanism named by <c>sasl.mechanism</c> (default <c>GSSAPI</c>, as in Kafka).</summary>
    /// <param name="config">Kafka configuration, e.g. <c>sasl.mechanism=SCRAM-SHA-512</c>, <c>sasl.username</c>, <c>sasl.password</c>.</param>
    /// <exception cref="KafkaConfigException">The mechanism is unknown or a setting it needs is missing or not valid.</exception>
    public static ISaslMechanism Create(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string mechanism = Get(config, MechanismConfig) ?? Get(config, MechanismsConfig) ?? "GSSAPI";
        return Create(mechanism, config);
    }

    /// <summary>Builds the mechanism <paramref name="mechanism"/> from the other SASL settings in <paramref name="config"/>.</summary>
    /// <param name="mechanism">A name from <see cref="Supported"/> (case-insensitive).</param>
    /// <param name="config">Kafka configuration holding the mechanism's settings.</param>
    /// <exception cref="KafkaConfigException">The mechanism is unknown or a setting it needs is missing or not valid.</exception>
    public static ISaslMechanism Create(string mechanism, IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(config);
        string name = mechanism.Trim().ToUpperInvariant();
        switch (name)
        {
            case "PLAIN":
            case ScramMechanism.Sha256Name:
            case ScramMechanism.Sha512Name:
                string username = Require(config, UsernameConfig, name);
                string password = Require(config, PasswordConfig, name);
                try
                {
                    return name == "PLAIN" ? new PlainMechanism(username, password) : new ScramMechanism(name, username, password);
                }
                catch (ArgumentException e)
                {
                    throw new KafkaConfigException(e.ParamName == "password" ? PasswordConfig : UsernameConfig, e.Message, e);
                }

            case "GSSAPI":
                string serviceName = Get(config, KerberosServiceNameConfig) ?? "kafka";
                try
                {
                    return new GssapiMechanism(serviceName);
                }
                catch (ArgumentException e)
                {
                    throw new KafkaConfigException(KerberosServiceNameConfig, e.Message, e);
                }

            case "OAUTHBEARER":
                return CreateOAuthBearer(config);

            default:
                throw new KafkaConfigException(
                    MechanismConfig,
                    $"unknown SASL mechanism '{mechanism}'; supported: {string.Join(", ", Supported)}.");
        }
    }

    private static OAuthBearerMechanism CreateOAuthBearer(IReadOnlyDictionary<string, string> config)
    {
        string? unsecure = Get(config, OAuthBearerUnsecureJwtConfig);
        if (!string.Equals(unsecure, "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new KafkaConfigException(
                MechanismConfig,
                $"OAUTHBEARER needs a token provider: create an OAuthBearerMechanism with one in code (or, for development only, set {OAuthBearerUnsecureJwtConfig}=true and {OAuthBearerConfig}=principal=NAME).");
        }

        string settings = Require(config, OAuthBearerConfig, "OAUTHBEARER with unsecured JWTs");
        string? principal = null;
        string[] scope = [];
        TimeSpan? lifetime = null;
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in settings.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new KafkaConfigException(OAuthBearerConfig, $"'{part}' is not name=value.");
            }

            string key = part[..eq], value = part[(eq + 1)..];
            if (key == "principal")
            {
                principal = value;
            }
            else if (key == "scope")
            {
                scope = value.Split(',', StringSplitOptions.RemoveEmptyEntries);
            }
            else if (key == "lifeSeconds")
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) || seconds <= 0)
                {
                    throw new KafkaConfigException(OAuthBearerConfig, $"lifeSeconds '{value}' is not a positive integer.");
                }

                lifetime = TimeSpan.FromSeconds(seconds);
            }
            else if (key.StartsWith("extension_", StringComparison.Ordinal))
            {
                extensions[key["extension_".Length..]] = value;
            }
            else
            {
                throw new KafkaConfigException(OAuthBearerConfig, $"unknown setting '{key}'; known: principal, scope, lifeSeconds, extension_NAME.");
            }
        }

        if (string.IsNullOrEmpty(principal))
        {
            throw new KafkaConfigException(OAuthBearerConfig, "principal=NAME is required for unsecured JWTs.");
        }

        try
        {
            return OAuthBearerMechanism.Unsecured(principal, lifetime, scope, extensions.Count == 0 ? null : extensions);
        }
        catch (ArgumentException e)
        {
            throw new KafkaConfigException(OAuthBearerConfig, e.Message, e);
        }
    }

    private static string? Get(IReadOnlyDictionary<string, string> config, string key) =>
        config.TryGetValue(key, out string? value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static string Require(IReadOnlyDictionary<string, string> config, string key, string mechanism) =>
        Get(config, key) ?? throw new KafkaConfigException(key, $"is required for SASL {mechanism}.");
}
