using System.Diagnostics;

namespace RxKafka.Benchmarks;

/// <summary>Runs a program to its end and gives its exit code and what it printed (the side-by-side harnesses' peers and builds).</summary>
internal static class ChildProcess
{
    public static (int ExitCode, string Output, string Error) Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
