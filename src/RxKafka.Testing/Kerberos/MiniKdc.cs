using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using RxKafka.Testing.MockCluster;

namespace RxKafka.Testing.Kerberos;

/// <summary>
/// A real MIT Kerberos KDC for the test realm <c>RXKAFKA.TEST</c> that <c>scripts/setup.sh</c> creates
/// (database, service keytab for <c>kafka/localhost</c>, client keytab and password for <c>client</c>):
/// Debian's <c>krb5kdc</c> in the foreground on a free loopback port, with its own configuration files.
/// The system's <c>/etc/krb5.conf</c> is never read: processes that talk to this KDC get
/// <see cref="EnvironmentFor"/> (<c>KRB5_CONFIG</c> and friends) when they start, because the MIT
/// library reads those variables from the native environment, which a running .NET process cannot change.
/// </summary>
/// <example>
/// <code>
/// using var kdc = MiniKdc.Start();
/// string ccache = kdc.KinitClient("client.ccache");      // FILE:... holding client@RXKAFKA.TEST's TGT
/// var env = kdc.EnvironmentFor(ccache);                    // start the GSS-API process with these
/// </code>
/// </example>
public sealed class MiniKdc : IDisposable
{
    /// <summary>The test realm.</summary>
    public const string Realm = "RXKAFKA.TEST";

    /// <summary>The broker's service principal, whose keys are in <see cref="ServiceKeytabPath"/>.</summary>
    public const string ServicePrincipal = "kafka/localhost@" + Realm;

    /// <summary>The client principal, whose keys are in <see cref="ClientKeytabPath"/> and password in <see cref="ClientPasswordPath"/>.</summary>
    public const string ClientPrincipal = "client@" + Realm;

    /// <summary>The MIT Kerberos GSS-API library that .NET's <c>NegotiateAuthentication</c> loads on Linux.</summary>
    public const string GssapiLibrary = "libgssapi_krb5.so.2";

    private const int PortAttempts = 3;
    private const string PortPlaceholder = "@KDC_PORT@";
    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private MiniKdc(Process process, StringBuilder output, string workDirectory, int port)
    {
        _process = process;
        _output = output;
        WorkDirectory = workDirectory;
        Port = port;
    }

    /// <summary>The realm's files made by <c>scripts/setup.sh</c>: <c>&lt;cache&gt;/kerberos</c>.</summary>
    public static string RealmDirectory => Path.Combine(MockLibraries.CacheDirectory, "kerberos");

    /// <summary>The keytab with the keys of <see cref="ServicePrincipal"/> (the acceptor's, <c>KRB5_KTNAME</c>).</summary>
    public static string ServiceKeytabPath => Path.Combine(RealmDirectory, "kafka.keytab");

    /// <summary>The keytab with the keys of <see cref="ClientPrincipal"/> (for <c>kinit -k</c>).</summary>
    public static string ClientKeytabPath => Path.Combine(RealmDirectory, "client.keytab");

    /// <summary>A file holding <see cref="ClientPrincipal"/>'s password.</summary>
    public static string ClientPasswordPath => Path.Combine(RealmDirectory, "client.password");

    /// <summary>The loopback port the KDC answers on (TCP and UDP).</summary>
    public int Port { get; }

    /// <summary>This KDC's private folder: its configuration, and the credential caches <see cref="KinitClient"/> makes. Deleted on dispose.</summary>
    public string WorkDirectory { get; }

    /// <summary>The client configuration naming this KDC (for <c>KRB5_CONFIG</c>).</summary>
    public string ConfigPath => Path.Combine(WorkDirectory, "krb5.conf");

    /// <summary>What krb5kdc has logged so far (one line per request), for diagnostics.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Waits until the KDC has logged <paramref name="text"/> (its log lags the requests it answers),
    /// for at most <paramref name="timeout"/>; returns whether it did.
    /// </summary>
    public bool WaitForLog(string text, TimeSpan timeout) => ServerProcess.WaitForOutput(_output, text, timeout);

    /// <summary>
    /// Why a KDC cannot be started here, with the fix, or <see langword="null"/> when everything is in place:
    /// the MIT tools (krb5kdc, kinit), the GSS-API library, and the realm's files.
    /// </summary>
    public static string? FindMissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the MIT Kerberos test KDC runs on Linux only";
        }

        if (FindTool("krb5kdc") is null)
        {
            return "krb5kdc (Debian package krb5-kdc) is not installed: run scripts/setup.sh";
        }

        if (FindTool("kinit") is null)
        {
            return "kinit (Debian package krb5-user) is not installed: run scripts/setup.sh";
        }

        if (!NativeLibrary.TryLoad(GssapiLibrary, out var handle))
        {
            return $"{GssapiLibrary} (Debian package libgssapi-krb5-2) cannot be loaded: run scripts/setup.sh";
        }

        NativeLibrary.Free(handle);
        foreach (var file in new[] { "krb5.conf.in", "kdc.conf.in", "db/principal", "db/stash", "kafka.keytab", "client.keytab", "client.password" })
        {
            if (!File.Exists(Path.Combine(RealmDirectory, file)))
            {
                return $"the test realm {Realm} is incomplete ({file} is missing in {RealmDirectory}): run scripts/setup.sh";
            }
        }

        return null;
    }

    /// <summary>
    /// Starts krb5kdc for <see cref="Realm"/> on a free loopback port and returns once the port accepts connections.
    /// </summary>
    /// <param name="startTimeout">How long to wait for the port to accept connections (default 10 s).</param>
    /// <exception cref="InvalidOperationException">A prerequisite is missing (the message says how to fix it), or krb5kdc exited or did not listen in time (the message carries its output).</exception>
    public static MiniKdc Start(TimeSpan? startTimeout = null)
    {
        var missing = FindMissingPrerequisite();
        if (missing is not null)
        {
            throw new InvalidOperationException("Cannot start the test KDC: " + missing + ".");
        }

        var executable = FindTool("krb5kdc")!;
        var timeout = startTimeout ?? DefaultStartTimeout;
        for (var attempt = 1; ; attempt++)
        {
            // A free port can be taken between probing and krb5kdc's bind; then krb5kdc exits and we try another.
            var port = ServerProcess.FreeLoopbackPort();
            var workDirectory = Directory.CreateTempSubdirectory("rxkafka-kdc-").FullName;
            var output = new StringBuilder();
            Process process;
            try
            {
                WriteConfiguration(workDirectory, port);
                process = Launch(executable, workDirectory, output);
            }
            catch
            {
                Directory.Delete(workDirectory, recursive: true);
                throw;
            }

            if (ServerProcess.WaitUntilListening(process, port, timeout, out var failure))
            {
                return new MiniKdc(process, output, workDirectory, port);
            }

            ServerProcess.Stop(process, workDirectory);
            string log;
            lock (output)
            {
                log = output.ToString();
            }

            var portTaken = log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase);
            if (!portTaken || attempt == PortAttempts)
            {
                throw new InvalidOperationException($"krb5kdc ({executable}) for {Realm} on 127.0.0.1:{port} {failure}. Its output:\n{log}");
            }
        }
    }

    /// <summary>
    /// The environment for a process that uses this KDC through the MIT library: <c>KRB5_CONFIG</c> (this
    /// KDC's client configuration), <c>KRB5CCNAME</c> (<paramref name="credentialCache"/>), <c>KRB5_KTNAME</c>
    /// (the service keytab, for an acceptor), <c>KRB5_CLIENT_KTNAME</c> (a keytab that does not exist, so
    /// an initiator has only the credential cache), <c>KRB5RCACHENAME</c> (a replay cache in
    /// <see cref="WorkDirectory"/>) and <c>KRB5_TRACE</c> (a trace file in <see cref="WorkDirectory"/>).
    /// </summary>
    /// <param name="credentialCache">A credential cache name, e.g. what <see cref="KinitClient"/> or <see cref="EmptyCredentialCache"/> returns.</param>
    public IReadOnlyDictionary<string, string> EnvironmentFor(string credentialCache)
    {
        ArgumentException.ThrowIfNullOrEmpty(credentialCache);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["KRB5_CONFIG"] = ConfigPath,
            ["KRB5CCNAME"] = credentialCache,
            ["KRB5_KTNAME"] = "FILE:" + ServiceKeytabPath,
            ["KRB5_CLIENT_KTNAME"] = "FILE:" + Path.Combine(WorkDirectory, "no-client.keytab"),
            ["KRB5RCACHENAME"] = "file2:" + Path.Combine(WorkDirectory, "replay.rcache2"),
            ["KRB5_TRACE"] = TracePath,
        };
    }

    /// <summary>Where the MIT library writes its trace for processes started with <see cref="EnvironmentFor"/>.</summary>
    public string TracePath => Path.Combine(WorkDirectory, "krb5.trace");

    /// <summary>
    /// Gets a ticket-granting ticket for <see cref="ClientPrincipal"/> from this KDC with
    /// <c>kinit -k -t client.keytab</c> into a new file credential cache in <see cref="WorkDirectory"/>.
    /// </summary>
    /// <param name="fileName">The cache's file name inside <see cref="WorkDirectory"/>.</param>
    /// <returns>The cache name, <c>FILE:/path</c>.</returns>
    /// <exception cref="InvalidOperationException">kinit failed; the message carries its output and the KDC's log.</exception>
    public string KinitClient(string fileName = "client.ccache")
    {
        var cache = CacheName(fileName);
        var (exitCode, output) = RunTool(FindTool("kinit")!, ["-k", "-t", ClientKeytabPath, "-c", cache, ClientPrincipal], EnvironmentFor(cache));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"kinit for {ClientPrincipal} against 127.0.0.1:{Port} exited with {exitCode}: {output}\nKDC log:\n{Output}");
        }

        return cache;
    }

    /// <summary>The name of a file credential cache in <see cref="WorkDirectory"/> that holds nothing (the file does not exist).</summary>
    /// <param name="fileName">The cache's file name inside <see cref="WorkDirectory"/>.</param>
    public string EmptyCredentialCache(string fileName = "empty.ccache") => CacheName(fileName);

    /// <summary>Stops krb5kdc and deletes <see cref="WorkDirectory"/>.</summary>
    public void Dispose() => ServerProcess.Stop(_process, WorkDirectory);

    private string CacheName(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (fileName.IndexOfAny(['/', ':']) >= 0)
        {
            throw new ArgumentException($"'{fileName}' must be a plain file name.", nameof(fileName));
        }

        return "FILE:" + Path.Combine(WorkDirectory, fileName);
    }

    private static void WriteConfiguration(string workDirectory, int port)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        foreach (var (template, target) in new[] { ("krb5.conf.in", "krb5.conf"), ("kdc.conf.in", "kdc.conf") })
        {
            var text = File.ReadAllText(Path.Combine(RealmDirectory, template));
            if (!text.Contains(PortPlaceholder, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{Path.Combine(RealmDirectory, template)} does not contain {PortPlaceholder}: delete {RealmDirectory} and run scripts/setup.sh again.");
            }

            File.WriteAllText(Path.Combine(workDirectory, target), text.Replace(PortPlaceholder, portText, StringComparison.Ordinal));
        }
    }

    private static Process Launch(string executable, string workDirectory, StringBuilder output)
        // -n: stay in the foreground, so disposing can stop it. The database and the listening address come from kdc.conf.
        => ServerProcess.Launch(executable, ["-n", "-r", Realm], workDirectory, output, new Dictionary<string, string>
        {
            ["KRB5_CONFIG"] = Path.Combine(workDirectory, "krb5.conf"),
            ["KRB5_KDC_PROFILE"] = Path.Combine(workDirectory, "kdc.conf"),
        });

    private static (int ExitCode, string Output) RunTool(string executable, string[] arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(executable, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ToolTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"{Path.GetFileName(executable)} did not finish within {ToolTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }

        return (process.ExitCode, (stdout.Result + stderr.Result).Trim());
    }

    // krb5kdc lives in /usr/sbin, which an ordinary user's PATH often lacks.
    private static string? FindTool(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/usr/bin"]))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
