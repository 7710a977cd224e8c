using System.Globalization;

namespace RxKafka;

/// <summary>
/// Reads typed values from Kafka-style configuration (name → text). A malformed or out-of-range
/// value throws a <see cref="KafkaConfigException"/> naming the setting, the value and what is allowed.
/// </summary>
internal static class ConfigValues
{
    /// <summary>The pairs as a dictionary, name to value; a later pair overrides an earlier one of the same name.</summary>
    public static Dictionary<string, string> Collect(IEnumerable<KeyValuePair<string, string>> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in config)
        {
            settings[name] = value;
        }

        return settings;
    }

    /// <summary>The value of <paramref name="name"/>, or <see langword="null"/> when it is absent.</summary>
    public static string? Text(IReadOnlyDictionary<string, string> config, string name) =>
        config.TryGetValue(name, out var text) ? text : null;

    /// <summary>
    /// A duration in whole milliseconds (Kafka's <c>*.ms</c> settings), 1 to <see cref="int.MaxValue"/>;
    /// with <paramref name="allowInfinite"/> also -1, read as <see cref="Timeout.InfiniteTimeSpan"/>.
    /// </summary>
    public static TimeSpan? Milliseconds(IReadOnlyDictionary<string, string> config, string name, bool allowInfinite)
    {
        if (Text(config, name) is not { } text)
        {
            return null;
        }

        if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            throw new KafkaConfigException(name, $"'{text}' is not a whole number of milliseconds");
        }

        if (ms == -1 && allowInfinite)
        {
            return Timeout.InfiniteTimeSpan;
        }

        if (ms <= 0 || ms > int.MaxValue)
        {
            throw new KafkaConfigException(name, $"{ms} ms is out of range ({DurationRange(allowInfinite)})");
        }

        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>Checks a duration set in code against the range <see cref="Milliseconds"/> accepts.</summary>
    public static void CheckDuration(TimeSpan value, string name, bool allowInfinite)
    {
        if (allowInfinite && value == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
        {
            throw new KafkaConfigException(name, $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms is out of range ({DurationRange(allowInfinite)})");
        }
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static int? Int32(IReadOnlyDictionary<string, string> config, string name, int min, int max)
    {
        if (Text(config, name) is not { } text)
        {
            return null;
        }

        if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new KafkaConfigException(name, $"'{text}' is not a whole number");
        }

        if (value < min || value > max)
        {
            throw new KafkaConfigException(name, $"{value} is out of range ({min} to {max})");
        }

        return (int)value;
    }

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/>, with a dot for decimals.</summary>
    public static double? Double(IReadOnlyDictionary<string, string> config, string name, double min, double max)
    {
        if (Text(config, name) is not { } text)
        {
            return null;
        }

        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new KafkaConfigException(name, $"'{text}' is not a number");
        }

        CheckRange(value, name, min, max);
        return value;
    }

    /// <summary>Checks a number set in code against the range <see cref="Double"/> accepts.</summary>
    public static void CheckRange(double value, string name, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            throw new KafkaConfigException(name, $"{value.ToString(CultureInfo.InvariantCulture)} is out of range ({min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    /// <summary><c>true</c> or <c>false</c>, ignoring case.</summary>
    public static bool? Boolean(IReadOnlyDictionary<string, string> config, string name)
    {
        if (Text(config, name) is not { } text)
        {
            return null;
        }

        return text.Trim().ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw new KafkaConfigException(name, $"'{text}' is not true or false"),
        };
    }

    /// <summary><c>security.protocol</c>: PLAINTEXT (the default), SSL, SASL_PLAINTEXT or SASL_SSL, ignoring case.</summary>
    public static SecurityProtocol SecurityProtocol(IReadOnlyDictionary<string, string> config)
    {
        const string name = "security.protocol";
        if (Text(config, name) is not { } text)
        {
            return RxKafka.SecurityProtocol.Plaintext;
        }

        return text.Trim().ToUpperInvariant() switch
        {
            "PLAINTEXT" => RxKafka.SecurityProtocol.Plaintext,
            "SSL" => RxKafka.SecurityProtocol.Ssl,
            "SASL_PLAINTEXT" => RxKafka.SecurityProtocol.SaslPlaintext,
            "SASL_SSL" => RxKafka.SecurityProtocol.SaslSsl,
            _ => throw new KafkaConfigException(name, $"'{text}' is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
        };
    }

    private static string DurationRange(bool allowInfinite) =>
        $"1 to {int.MaxValue} ms{(allowInfinite ? ", or -1 for no limit" : "")}";
}
