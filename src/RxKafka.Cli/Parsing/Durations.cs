using System.Globalization;

namespace RxKafka.Cli.Parsing;

/// <summary>Durations as people type them on a command line: <c>500ms</c>, <c>20s</c>, <c>1.5s</c>, <c>1m</c>, <c>1m30s</c>, <c>2h</c>.</summary>
internal static class Durations
{
    /// <summary>Parses a positive duration made of one or more number-unit parts (ms, s, m, h).</summary>
    /// <param name="text">The text, e.g. "20s".</param>
    /// <param name="duration">The duration when the text is valid.</param>
    /// <param name="error">Why the text is not valid, otherwise null.</param>
    public static bool TryParse(string? text, out TimeSpan duration, out string? error)
    {
        duration = TimeSpan.Zero;
        error = null;
        var rest = (text ?? "").Trim().AsSpan();
        if (rest.IsEmpty)
        {
            error = "a duration is empty; use e.g. 500ms, 20s, 1m or 1h";
            return false;
        }

        var total = 0.0;
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            var letters = digits;
            while (letters < rest.Length && char.IsAsciiLetter(rest[letters]))
            {
                letters++;
            }

            if (digits == 0 || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"'{text}' is not a duration; use e.g. 500ms, 20s, 1m or 1h";
                return false;
            }

            var unit = rest[digits..letters];
            double? milliseconds = unit switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => null,
            };
            if (milliseconds is null)
            {
                error = unit.IsEmpty
                    ? $"'{text}' has no unit; use e.g. 500ms, 20s, 1m or 1h"
                    : $"'{text}' has an unknown unit '{unit.ToString()}'; use ms, s, m or h";
                return false;
            }

            total += number * milliseconds.Value;
            rest = rest[letters..];
        }

        if (total <= 0 || total > TimeSpan.MaxValue.TotalMilliseconds / 2)
        {
            error = $"'{text}' is not a positive duration";
            return false;
        }

        duration = TimeSpan.FromMilliseconds(total);
        return true;
    }

    /// <summary>A duration as the command line spells it: "20s", "1m30s", "500ms".</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0}ms");
        }

        if (duration < TimeSpan.FromMinutes(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.#}s");
        }

        var seconds = duration.Seconds == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"{duration.Seconds}s");
        return string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m{seconds}");
    }
}
