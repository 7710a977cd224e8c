using RxKafka.Testing.Kerberos;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Support;

/// <summary>
/// What the integration tests need from scripts/setup.sh. Outside CI a missing piece skips the test
/// with the fix in the reason; under CI=true it fails it: CI must never pass by skipping.
/// </summary>
internal static class Prerequisites
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void RequireLibrary(MockBuild build) =>
        Require(File.Exists(MockLibraries.LibraryPath(build)),
            $"{MockLibraries.Describe(build)} is missing at {MockLibraries.LibraryPath(build)}: {MockLibraries.HowToInstall(build)}");

    public static void RequireTls()
    {
        var haveStunnel = File.Exists("/usr/bin/stunnel4") || File.Exists("/usr/bin/stunnel");
        Require(haveStunnel, "stunnel4 is not installed: run scripts/setup.sh");
        Require(File.Exists(Path.Combine(MockLibraries.TlsDirectory, "ca.crt")),
            $"test certificates are missing in {MockLibraries.TlsDirectory}: run scripts/setup.sh");
    }

    public static void RequireKerberos()
    {
        var missing = MiniKdc.FindMissingPrerequisite();
        Require(missing is null, missing ?? "");
    }

    /// <summary>kcat, the peer command-line client of the producer interop tests.</summary>
    public static void RequireKcat() =>
        Require(File.Exists("/usr/bin/kcat"), "kcat is not installed: run scripts/setup.sh");

    /// <summary>Debian's own interpreter, which owns python3-kafka (the module itself is checked by the peer script).</summary>
    public static void RequireKafkaPython() =>
        Require(File.Exists("/usr/bin/python3"), "/usr/bin/python3 (Debian's Python, which owns python3-kafka) is missing: run scripts/setup.sh");

    /// <summary>Fails (CI) or skips (elsewhere) with <paramref name="reason"/>: a prerequisite found missing while running.</summary>
    public static void Missing(string reason) => Require(false, reason);

    private static void Require(bool present, string reason)
    {
        if (present)
        {
            return;
        }

        if (InCi)
        {
            Assert.Fail("CI=true and a prerequisite is missing: " + reason);
        }

        Assert.Skip(reason);
    }
}
