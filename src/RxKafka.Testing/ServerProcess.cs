using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// Waiting for a real operating-system process (stunnel, krb5kdc) is wall-clock time by nature: virtual
// time cannot make a process start sooner. So this file alone in the test kit is past the banned-API list.
#pragma warning disable RS0030

namespace RxKafka.Testing;

/// <summary>
/// The plumbing shared by the helper servers the tests start (stunnel, krb5kdc): launch in the
/// foreground with output captured, wait until the port accepts connections, stop and clean up.
/// </summary>
internal static class ServerProcess
{
    /// <summary>Starts <paramref name="executable"/>; its stdout and stderr lines go to <paramref name="output"/>.</summary>
    public static Process Launch(string executable, IEnumerable<string> arguments, string workDirectory, StringBuilder output, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(executable, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                    Monitor.PulseAll(output); // wakes WaitForOutput
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Probes <paramref name="port"/> until it accepts a connection, the process exits, or
    /// <paramref name="timeout"/> passes. Wall-clock time on purpose: this waits for a real external process.
    /// </summary>
    public static bool WaitUntilListening(Process process, int port, TimeSpan timeout, out string failure)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                failure = $"exited with code {process.ExitCode} before listening";
                return false;
            }

            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Connect(IPAddress.Loopback, port);
                failure = "";
                return true;
            }
            catch (SocketException) when (deadline.Elapsed < timeout)
            {
                // Not listening yet: wait a little, waking at once if the process exits.
                process.WaitForExit(20);
            }
            catch (SocketException e)
            {
                failure = $"did not accept connections within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s ({e.SocketErrorCode})";
                return false;
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="output"/> (filled by <see cref="Launch"/>) contains <paramref name="text"/>,
    /// woken by each line the process writes, for at most <paramref name="timeout"/>. The process's
    /// output arrives asynchronously, so a line about something that just happened may lag behind it.
    /// </summary>
    public static bool WaitForOutput(StringBuilder output, string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        lock (output)
        {
            while (!output.ToString().Contains(text, StringComparison.Ordinal))
            {
                var left = timeout - deadline.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                Monitor.Wait(output, left);
            }

            return true;
        }
    }

    /// <summary>Kills the process tree, waits for it, and deletes its working folder.</summary>
    public static void Stop(Process process, string workDirectory)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        finally
        {
            process.Dispose();
            try
            {
                Directory.Delete(workDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
