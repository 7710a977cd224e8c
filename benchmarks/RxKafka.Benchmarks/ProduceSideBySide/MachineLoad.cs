using System.Globalization;

namespace RxKafka.Benchmarks.ProduceSideBySide;

/// <summary>What else the machine was doing: its load average, and the CPU time the hypervisor took (steal).</summary>
internal static class MachineLoad
{
    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown".</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>Starts counting the machine's CPU time from /proc/stat; <see cref="StealSampler.Stop"/> tells the share stolen and the share busy.</summary>
    public static StealSampler StartSampling() => new(ReadCpuLine());

    /// <summary>The aggregate "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal ..., in ticks.</summary>
    private static long[]? ReadCpuLine()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            return line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    internal sealed class StealSampler(long[]? start)
    {
        public string Stop()
        {
            var end = ReadCpuLine();
            if (start is not { Length: 8 } || end is not { Length: 8 })
            {
                return "unknown";
            }

            var delta = end.Zip(start, (e, s) => e - s).ToArray();
            double total = delta.Sum();
            if (total <= 0)
            {
                return "unknown";
            }

            var idle = delta[3] + delta[4];
            return $"{delta[7] / total:P1} stolen, {(total - idle - delta[7]) / total:P1} busy (all processes, both cores)";
        }
    }
}
