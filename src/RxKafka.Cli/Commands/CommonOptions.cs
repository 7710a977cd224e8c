using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using RxKafka.Cli.Parsing;
using RxKafka.Network;

namespace RxKafka.Cli.Commands;

/// <summary>The options several commands share, and the parsers that turn their text into values or one clear error.</summary>
internal static class CommonOptions
{
    /// <summary><c>--config key=value</c>, repeatable, on every command: Kafka config names for the client.</summary>
    public static readonly Option<KeyValuePair<string, string>[]> Config = new("--config", "-X")
    {
        Description = "A Kafka client setting as key=value (repeatable), e.g. --config security.protocol=SSL --config ssl.ca.location=ca.pem",
        HelpName = "key=value",
        Recursive = true,
        Arity = ArgumentArity.OneOrMore,
        CustomParser = ParseConfig,
    };

    /// <summary><c>--verbose</c>: stack traces with errors.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print the stack trace with an error",
        Recursive = true,
    };

    /// <summary>
    /// <c>--keep-going</c> (<c>produce</c>, <c>bench produce</c>): send every record even once deliveries fail.
    /// Without it a command stops handing records to the producer at the first record that fails: the
    /// producer has already retried that record until <c>delivery.timeout.ms</c> (or its error is not
    /// retriable), so the brokers are not taking records, and each further record would only wait out
    /// the same timeout (issue 11: hours for 20,000,000 lines after the broker died).
    /// </summary>
    public static Option<bool> KeepGoing() => new("--keep-going")
    {
        Description = "Send every record even after deliveries fail (by default the command stops sending at the first failed record, "
            + "which the producer has already retried until delivery.timeout.ms, lets the records in flight finish, and counts the rest as not sent)",
    };

    /// <summary><c>-b HOST:PORT[,HOST:PORT...]</c>: the bootstrap servers.</summary>
    public static Option<string?> BootstrapServer() => new("--bootstrap-server", "-b")
    {
        Description = "The brokers to bootstrap from, host:port[,host:port...] (or --config bootstrap.servers=...)",
        HelpName = "host:port",
        CustomParser = ParseBootstrap,
    };

    /// <summary><c>--topic T</c>, repeatable: only these topics.</summary>
    public static Option<string[]> Topics(string description) => new("--topic", "-t")
    {
        Description = description,
        HelpName = "topic",
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary><c>--duration D</c>: 500ms, 20s, 1m, 1m30s, 1h.</summary>
    public static Option<TimeSpan?> Duration(string description) => new("--duration", "-d")
    {
        Description = description,
        HelpName = "duration",
        CustomParser = ParseDuration,
    };

    /// <summary>
    /// A whole-number option of at least <paramref name="min"/> (digits may be grouped with '_' or
    /// ','): text that is not one, or is out of range, is one clear error.
    /// </summary>
    public static Option<T> WholeNumber<T>(Option<T> option, long min)
    {
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        var max = type == typeof(int) ? int.MaxValue : long.MaxValue;
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            var digits = text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                result.AddError($"{option.Name}: '{text}' is not a whole number");
                return default!;
            }

            if (value < min || value > max)
            {
                result.AddError(value < min ? $"{option.Name} must be {min} or more" : $"{option.Name} must be at most {max}");
                return default!;
            }

            return (T)Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
        };
        return option;
    }

    /// <summary>The --config settings and the bootstrap servers from -b (which wins over a bootstrap.servers setting).</summary>
    /// <param name="result">The parsed command line.</param>
    /// <param name="bootstrap">The command's -b option, if it has one.</param>
    /// <param name="required">Whether bootstrap servers must be given (false: the command can start an embedded cluster instead).</param>
    /// <exception cref="UsageException">No bootstrap servers were given either way, and they are required.</exception>
    public static Dictionary<string, string> ClientConfig(ParseResult result, Option<string?>? bootstrap, bool required = true)
    {
        var config = ConfigPairs.ToDictionary(result.GetValue(Config) ?? []);
        if (bootstrap is not null && result.GetValue(bootstrap) is { } servers)
        {
            config["bootstrap.servers"] = servers;
        }

        if (required && bootstrap is not null && !config.ContainsKey("bootstrap.servers"))
        {
            throw new UsageException("no broker to connect to: give -b host:port (or --config bootstrap.servers=host:port)");
        }

        return config;
    }

    private static KeyValuePair<string, string>[] ParseConfig(ArgumentResult result)
    {
        var pairs = new List<KeyValuePair<string, string>>(result.Tokens.Count);
        foreach (var token in result.Tokens)
        {
            if (!ConfigPairs.TryParse(token.Value, out var pair, out var error))
            {
                result.AddError($"--config {error}");
                return [];
            }

            pairs.Add(pair);
        }

        return [.. pairs];
    }

    private static string? ParseBootstrap(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        try
        {
            BootstrapServers.Parse(text);
            return text;
        }
        catch (KafkaConfigException e)
        {
            result.AddError($"-b: {e.Message}");
            return null;
        }
    }

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Durations.TryParse(text, out var duration, out var error))
        {
            return duration;
        }

        result.AddError($"--duration: {error}");
        return null;
    }
}
