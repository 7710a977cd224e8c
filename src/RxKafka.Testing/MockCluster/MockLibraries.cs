using System.Runtime.InteropServices;

namespace RxKafka.Testing.MockCluster;

/// <summary>
/// Where <c>scripts/setup.sh</c> puts what the integration tests need. The rule is the script's own:
/// the cache folder is <c>$RXKAFKA_CACHE</c>, else <c>$XDG_CACHE_HOME/rxkafka</c>, else
/// <c>$HOME/.cache/rxkafka</c>.
/// </summary>
public static class MockLibraries
{
    /// <summary>The version of the librdkafka source build.</summary>
    public const string SourceVersion = "2.15.1";

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

    /// <summary>The path of the shared library for <paramref name="build"/>.</summary>
    /// <param name="build">The librdkafka build.</param>
    public static string LibraryPath(MockBuild build) => build switch
    {
        MockBuild.Debian202 => Path.Combine("/usr/lib", DebianMultiarchTriplet(), "librdkafka.so.1"),
        MockBuild.Source2151 => Path.Combine(CacheDirectory, "librdkafka-" + SourceVersion, "librdkafka.so.1"),
        _ => throw new ArgumentOutOfRangeException(nameof(build), build, "unknown librdkafka build"),
    };

    /// <summary>A human description of <paramref name="build"/>, e.g. "librdkafka 2.0.2 (Debian librdkafka1)".</summary>
    /// <param name="build">The librdkafka build.</param>
    public static string Describe(MockBuild build) => build switch
    {
        MockBuild.Debian202 => "librdkafka 2.0.2 (Debian librdkafka1)",
        MockBuild.Source2151 => "librdkafka " + SourceVersion + " (source build from @confluentinc/kafka-javascript@1.10.1)",
        _ => build.ToString(),
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
