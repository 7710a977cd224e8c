using System.Runtime.InteropServices;

namespace RxKafka.Testing.MockCluster;

/// <summary>
/// Finds librdkafka in the <c>librdkafka.redist</c> package that RxKafka.Testing depends on, so a
/// project that only ran <c>dotnet add package RxKafka.Testing</c> has a mock cluster. The package
/// lays its builds out as <c>runtimes/&lt;rid&gt;/native/</c>; an application gets them copied
/// beside it (under <c>runtimes/</c>, or flat for a RID-specific build) and the host lists those
/// folders in <c>NATIVE_DLL_SEARCH_DIRECTORIES</c>. A script host that copies nothing (a notebook
/// kernel) still finds the package in the NuGet packages folder.
/// </summary>
internal static class RedistLibrary
{
    /// <summary>The package's version, which is librdkafka's own (the one in Directory.Packages.props).</summary>
    public const string Version = "2.15.1";

    private const string PackageId = "librdkafka.redist";

    /// <summary>The library for this process's platform, else where it was expected (a path that does not exist).</summary>
    public static string Find()
    {
        var names = FileNames();
        foreach (var directory in Directories())
        {
            foreach (var name in names)
            {
                var path = Path.Combine(directory, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeIdentifier() ?? "unknown", "native", names[0]);
    }

    /// <summary>
    /// The file names the package gives this platform, best first. On glibc x64 Linux the CentOS 8
    /// build comes first: its only dependencies are libc's, while the plain <c>librdkafka.so</c>
    /// needs libsasl2.so.3, which a bare machine lacks.
    /// </summary>
    internal static string[] FileNames()
    {
        if (OperatingSystem.IsWindows())
        {
            return ["librdkafka.dll"];
        }

        if (OperatingSystem.IsMacOS())
        {
            return ["librdkafka.dylib"];
        }

        if (IsMusl())
        {
            return ["alpine-librdkafka.so"];
        }

        return RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? ["centos8-librdkafka.so", "librdkafka.so"]
            : ["librdkafka.so"];
    }

    /// <summary>The package's folder name for this platform (<c>linux-x64</c>, <c>osx-arm64</c>, <c>win-x64</c>, ...), or null when it has none.</summary>
    internal static string? RuntimeIdentifier()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsLinux() ? "linux" : null;
        var architecture = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.S390x => "s390x",
            _ => null,
        };
        return os is null || architecture is null ? null : os + "-" + architecture;
    }

    /// <summary>Where to look, in order: the host's native folders, this application's and this assembly's, then the NuGet packages folder.</summary>
    private static IEnumerable<string> Directories()
    {
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searched)
        {
            foreach (var directory in searched.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                yield return directory;
            }
        }

        var rid = RuntimeIdentifier();
        var assemblyDirectory = Path.GetDirectoryName(typeof(RedistLibrary).Assembly.Location);
        foreach (var root in new[] { AppContext.BaseDirectory, assemblyDirectory })
        {
            if (string.IsNullOrEmpty(root))
            {
                continue;
            }

            yield return root;
            if (rid is not null)
            {
                yield return Path.Combine(root, "runtimes", rid, "native");
            }
        }

        if (rid is not null && PackagesFolder() is { } packages)
        {
            yield return Path.Combine(packages, PackageId, Version, "runtimes", rid, "native");
        }
    }

    /// <summary>NuGet's global packages folder: <c>$NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>.</summary>
    private static string? PackagesFolder()
    {
        var configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".nuget", "packages");
    }

    private static bool IsMusl() =>
        OperatingSystem.IsLinux() && RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.OrdinalIgnoreCase);
}
