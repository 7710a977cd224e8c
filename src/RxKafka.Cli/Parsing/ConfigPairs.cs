namespace RxKafka.Cli.Parsing;

/// <summary>The <c>--config key=value</c> settings: Kafka config names handed to <see cref="RxKafka.Client.KafkaClientOptions.FromConfig(IEnumerable{KeyValuePair{string, string}}, System.Reactive.Concurrency.IScheduler?, bool)"/>.</summary>
internal static class ConfigPairs
{
    /// <summary>Splits one <c>key=value</c> at its first '='; the value may be empty (e.g. <c>ssl.endpoint.identification.algorithm=</c>).</summary>
    /// <param name="text">The option's argument.</param>
    /// <param name="pair">The setting when the text is valid.</param>
    /// <param name="error">Why the text is not valid, otherwise null.</param>
    public static bool TryParse(string? text, out KeyValuePair<string, string> pair, out string? error)
    {
        pair = default;
        var equals = text?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        if (text is null || equals < 0)
        {
            error = $"'{text}' is not key=value (e.g. --config security.protocol=SSL)";
            return false;
        }

        var key = text[..equals].Trim();
        if (key.Length == 0)
        {
            error = $"'{text}' has no key before '=' (e.g. --config security.protocol=SSL)";
            return false;
        }

        pair = new(key, text[(equals + 1)..].Trim());
        error = null;
        return true;
    }

    /// <summary>The settings as one dictionary; a later setting of the same key replaces an earlier one.</summary>
    public static Dictionary<string, string> ToDictionary(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            settings[key] = value;
        }

        return settings;
    }
}
