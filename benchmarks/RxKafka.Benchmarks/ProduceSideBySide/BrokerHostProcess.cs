using System.Diagnostics;
using System.Globalization;

namespace RxKafka.Benchmarks.ProduceSideBySide;

/// <summary>
/// RxKafka.BrokerHost running as a child process: librdkafka's mock cluster, apart from every client,
/// so a client's CPU time never includes the broker's. Stopped by closing its standard input.
/// </summary>
internal sealed class BrokerHostProcess : IDisposable
{
    private readonly Process _process;

    private BrokerHostProcess(Process process, string bootstrap, string description)
    {
        _process = process;
        BootstrapServers = bootstrap;
        Description = description;
    }

    public string BootstrapServers { get; }

    /// <summary>What the host said about itself on standard error (build, brokers, topics).</summary>
    public string Description { get; }

    public int ProcessId => _process.Id;

    public static BrokerHostProcess Start(string assembly, int brokers, int partitions, string topic)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { assembly, "--brokers", Text(brokers), "--partitions", Text(partitions), "--topic", topic })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var description = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                description.TrySetResult(line);
            }
        };
        process.BeginErrorReadLine();
        var bootstrap = process.StandardOutput.ReadLineAsync();
        if (!bootstrap.Wait(TimeSpan.FromSeconds(60)) || bootstrap.Result is not { } line || !line.StartsWith("BOOTSTRAP ", StringComparison.Ordinal))
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.WaitForExit();
            var said = description.Task.IsCompleted ? description.Task.Result : "(nothing on standard error)";
            var exit = process.ExitCode;
            process.Dispose();
            throw new InvalidOperationException($"RxKafka.BrokerHost did not print its BOOTSTRAP line (exit code {exit}): {said}");
        }

        description.Task.Wait(TimeSpan.FromSeconds(5));
        return new BrokerHostProcess(process, line["BOOTSTRAP ".Length..].Trim(), description.Task.IsCompleted ? description.Task.Result : "");
    }

    /// <summary>The host's CPU time so far (user + system, from /proc/PID/stat), or null where there is no /proc.</summary>
    public TimeSpan? CpuTime()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            // Fields after the command name (which is in parentheses and may hold spaces): state is field 3,
            // utime field 14 and stime field 15, in clock ticks (USER_HZ, 100 on Linux).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
