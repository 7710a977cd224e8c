using System.Globalization;

namespace RxKafka.Cli.Parsing;

/// <summary>The <c>--partition N[,M...]</c> list of <c>rxkafka consume</c>.</summary>
internal static class PartitionNumbers
{
    /// <summary>Parses comma-separated partition numbers (0 or more), each once, in the order given.</summary>
    /// <param name="texts">The option's arguments (the option may be repeated, each a list).</param>
    /// <param name="partitions">The partitions when the text is valid.</param>
    /// <param name="error">Why the text is not valid, otherwise null.</param>
    public static bool TryParse(IEnumerable<string> texts, out IReadOnlyList<int> partitions, out string? error)
    {
        var list = new List<int>();
        partitions = list;
        error = null;
        foreach (var text in texts)
        {
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
                {
                    error = part.Length == 0
                        ? $"--partition '{text}' has an empty entry; give N or N,M,..."
                        : $"--partition '{part}' is not a partition number (0 or more)";
                    return false;
                }

                if (list.Contains(partition))
                {
                    error = $"--partition {partition} is given twice";
                    return false;
                }

                list.Add(partition);
            }
        }

        return true;
    }
}
