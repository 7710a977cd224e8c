using System.Globalization;

namespace RxKafka.Cli.Parsing;

/// <summary>Where <c>rxkafka consume --from</c> starts each partition.</summary>
internal enum StartKind
{
    /// <summary>The earliest offset still in the log.</summary>
    Beginning,

    /// <summary>The end: only records written from now on.</summary>
    End,

    /// <summary>A given offset (out of range: <c>auto.offset.reset</c> decides).</summary>
    Offset,

    /// <summary>The first record at or after a time (ListOffsets by timestamp); none: the end.</summary>
    Time,
}

/// <summary>A parsed <c>--from</c>: the kind, and the offset or the time it carries.</summary>
internal readonly record struct ConsumeStart(StartKind Kind, long Offset = 0, DateTimeOffset Time = default)
{
    /// <summary>
    /// Parses <c>beginning</c>, <c>end</c>, an offset (0 or more), or <c>@</c> and a time: Unix
    /// milliseconds (<c>@1700000000000</c>) or ISO 8601 (<c>@2026-12-07T10:00:00Z</c>; without an offset, UTC).
    /// </summary>
    /// <param name="text">The option's argument.</param>
    /// <param name="start">The start when the text is valid.</param>
    /// <param name="error">Why the text is not valid, otherwise null.</param>
    public static bool TryParse(string? text, out ConsumeStart start, out string? error)
    {
        start = default;
        error = null;
        var value = (text ?? "").Trim();
        switch (value.ToLowerInvariant())
        {
            case "beginning" or "earliest" or "start":
                start = new(StartKind.Beginning);
                return true;
            case "end" or "latest":
                start = new(StartKind.End);
                return true;
        }

        if (value.StartsWith('@'))
        {
            var time = value[1..];
            if (long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                if (ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                {
                    error = $"--from '{text}': {ms} ms is past the year 9999";
                    return false;
                }

                start = new(StartKind.Time, Time: DateTimeOffset.FromUnixTimeMilliseconds(ms));
                return true;
            }

            if (DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) && time.Contains('-', StringComparison.Ordinal))
            {
                start = new(StartKind.Time, Time: at);
                return true;
            }

            error = $"--from '{text}': after '@' give Unix milliseconds (@1700000000000) or an ISO 8601 time (@2026-12-07T10:00:00Z)";
            return false;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset))
        {
            if (offset < 0)
            {
                error = $"--from '{text}': an offset is 0 or more (use 'end' for the end)";
                return false;
            }

            start = new(StartKind.Offset, Offset: offset);
            return true;
        }

        error = $"--from '{text}' is not beginning, end, an offset or @time (e.g. --from 42, --from @2026-12-07T10:00:00Z)";
        return false;
    }
}
