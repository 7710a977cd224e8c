using System.Runtime.InteropServices;

namespace RxKafka.Testing.MockCluster;

/// <summary>
/// Where each librdkafka build lives, and where <c>scripts/setup.sh</c> puts what the project's own
/// integration tests need besides (test certificates, a Kerberos realm). The cache rule is the
/// script's own: <c>$RXKAFKA_CACHE</c>, else <c>$XDG_CACHE_HOME/rxkafka</c>, else
/// <c>$HOME/.cache/rxkafka</c>.
/// </summary>
public static class MockLibraries
{
    /// <summary>The version of the librdkafka build in the <c>librdkafka.redist</c> package (<see cref="MockBuild.Redist2151"/>).</summary>
    public const string RedistVersion = RedistLibrary.Version;

    /// <summary>The environment variable that overrides the cache folder.</summary>
    public const string CacheVariable = "RXKAFKA_CACHE";

    /// <summary>The cache folder (it may not exist yet).</summary>
    public static string CacheDirectory
    {
        get
        {
            var explicitCache = Environment.GetEnvironmentVariable(CacheVariable);
            if (!string.IsNullOrEmpty(explicitCache))
            {
                return explicitCache;
            }

            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrEmpty(xdg))
            {
                return Path.Combine(xdg, "rxkafka");
            }

            var home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home))
            {
                home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            }

            return Path.Combine(home, ".cache", "rxkafka");
        }
    }

    /// <summary>The folder that holds the test CA and certificates (see <see cref="TestCertificates"/>).</summary>
    public static string TlsDirectory => Path.Combine(CacheDirectory, "tls");

    /// <summary>
    /// The path of the shared library for <paramref name="build"/>. For <see cref="MockBuild.Redist2151"/>
    /// it is the one the <c>librdkafka.redist</c> package gives this platform, found beside the
    /// application or in the NuGet packages folder; when there is none, the path where it was expected.
    /// </summary>
    /// <param name="build">The librdkafka build.</param>
    public static string LibraryPath(MockBuild build) => build switch
    {
        MockBuild.Debian202 => Path.Combine("/usr/lib", DebianMultiarchTriplet(), "librdkafka.so.1"),
        MockBuild.Redist2151 => RedistLibrary.Find(),
        _ => throw new ArgumentOutOfRangeException(nameof(build), build, "unknown librdkafka build"),
    };

    /// <summary>A human description of <paramref name="build"/>, e.g. "librdkafka 2.0.2 (Debian librdkafka1)".</summary>
    /// <param name="build">The librdkafka build.</param>
    public static string Describe(MockBuild build) => build switch
    {
        MockBuild.Debian202 => "librdkafka 2.0.2 (Debian librdkafka1)",
        MockBuild.Redist2151 => "librdkafka " + RedistVersion + " (package librdkafka.redist)",
        _ => build.ToString(),
    };

    /// <summary>What makes <paramref name="build"/> present, e.g. "apt-get install librdkafka1 (scripts/setup.sh does)".</summary>
    /// <param name="build">The librdkafka build.</param>
    public static string HowToInstall(MockBuild build) => build switch
    {
        MockBuild.Debian202 => "apt-get install librdkafka1 (scripts/setup.sh does)",
        MockBuild.Redist2151 => "restore the librdkafka.redist package, a dependency of RxKafka.Testing (dotnet restore; run from the application's output folder)",
        _ => "run scripts/setup.sh",
    };

    private static string DebianMultiarchTriplet() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "x86_64-linux-gnu",
        Architecture.Arm64 => "aarch64-linux-gnu",
        Architecture.Arm => "arm-linux-gnueabihf",
        Architecture.X86 => "i386-linux-gnu",
        var other => other.ToString().ToLowerInvariant() + "-linux-gnu",
    };
}
