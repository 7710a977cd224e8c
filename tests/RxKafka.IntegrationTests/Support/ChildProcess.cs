using System.Diagnostics;
using System.Text;

namespace RxKafka.IntegrationTests.Support;

/// <summary>
/// A process started by a test, its standard output and error collected line by line (and both
/// together, in order), standard input closed (after the text given to it, if any, in UTF-8). A
/// test can wait for a line to appear while it runs, then for its end with a deadline, after which
/// the process tree is killed.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _clock;
    private readonly object _gate = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _all = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waiters = [];

    private ChildProcess(ProcessStartInfo start, string? standardInput)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data, _stdout);
        _process.ErrorDataReceived += (_, e) => Append(e.Data, _stderr);
        _clock = Stopwatch.StartNew();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            if (standardInput is not null)
            {
                _process.StandardInput.Write(standardInput);
            }

            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process ended (or closed its input) before reading it all: what it printed says why.
        }
    }

    /// <summary>Everything the process printed so far, standard output and error interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _all.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="start"/> (its redirection settings are set here), writing <paramref name="standardInput"/> to it.</summary>
    public static ChildProcess Start(ProcessStartInfo start, string? standardInput = null) => new(start, standardInput);

    /// <summary>Completes when a line of output (already printed or still to come) matches <paramref name="match"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_all.ToString().Split('\n').Any(line => match(line.TrimEnd('\r'))))
            {
                return;
            }

            _waiters.Add((match, seen));
        }

        try
        {
            await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no matching line within {timeout.TotalSeconds:0} s; the process printed:\n{Output}");
        }
    }

    /// <summary>Waits for the process to end; after <paramref name="timeout"/> kills it (and its children).</summary>
    public ChildProcessExit WaitForExit(TimeSpan timeout)
    {
        var timedOut = !_process.WaitForExit(timeout);
        if (timedOut)
        {
            _process.Kill(entireProcessTree: true);
        }

        // The parameterless WaitForExit drains the redirected output.
        _process.WaitForExit();
        lock (_gate)
        {
            return new ChildProcessExit(timedOut ? -1 : _process.ExitCode, timedOut, _clock.Elapsed, _stdout.ToString(), _stderr.ToString(), _all.ToString());
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line, StringBuilder stream)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource>? matched = null;
        lock (_gate)
        {
            stream.AppendLine(line);
            _all.AppendLine(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                _waiters.Remove(waiter);
                (matched ??= []).Add(waiter.Seen);
            }
        }

        matched?.ForEach(seen => seen.TrySetResult());
    }
}

/// <summary>How a <see cref="ChildProcess"/> ended.</summary>
/// <param name="ExitCode">The exit code, -1 when it was killed at the deadline.</param>
/// <param name="TimedOut">Whether it was killed at the deadline.</param>
/// <param name="Elapsed">Wall time from start to end.</param>
/// <param name="StandardOutput">What it wrote to standard output.</param>
/// <param name="StandardError">What it wrote to standard error.</param>
/// <param name="Output">Both, interleaved as they arrived.</param>
internal sealed record ChildProcessExit(int ExitCode, bool TimedOut, TimeSpan Elapsed, string StandardOutput, string StandardError, string Output);
