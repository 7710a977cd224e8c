// The pre-change baseline (before the managed codecs): kept in the benchmark project only, so that
// CompressionBenchmarks can measure old against new in one run. Not used by the library or its tests.
using System.Runtime.InteropServices;

namespace RxKafka.Benchmarks.OldCodecs;

/// <summary>
/// Loads a codec's native library on first use, trying the file names it has on Linux, macOS
/// and Windows, and turns a failure into a <see cref="DllNotFoundException"/>
/// that says how to install it.
/// </summary>
internal static class OldNativeCompressionLibrary
{
    /// <summary>Loads the first of <paramref name="candidates"/> that the OS loader finds.</summary>
    /// <param name="libraryName">The library's name in messages, e.g. <c>liblz4</c>.</param>
    /// <param name="installHint">How to install it, e.g. "apt-get install liblz4-1".</param>
    /// <param name="candidates">File names to try, most specific first.</param>
    public static IntPtr Load(string libraryName, string installHint, IReadOnlyList<string> candidates)
    {
        foreach (string candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, typeof(OldNativeCompressionLibrary).Assembly, null, out IntPtr handle)
                || NativeLibrary.TryLoad(candidate, out handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException(
            $"The native library {libraryName} could not be loaded (tried {string.Join(", ", candidates)}). "
            + $"Install it to use this compression codec: {installHint}.");
    }

    /// <summary>The address of <paramref name="symbol"/>; a library too old to have it counts as missing.</summary>
    public static IntPtr Export(IntPtr library, string libraryName, string installHint, string symbol)
    {
        if (NativeLibrary.TryGetExport(library, symbol, out IntPtr address))
        {
            return address;
        }

        throw new DllNotFoundException(
            $"The native library {libraryName} was loaded but has no function {symbol}; it is too old. "
            + $"Install a newer version: {installHint}.");
    }

    /// <summary>The address of <paramref name="symbol"/>, or zero when the library lacks it.</summary>
    public static IntPtr OptionalExport(IntPtr library, string symbol)
        => NativeLibrary.TryGetExport(library, symbol, out IntPtr address) ? address : IntPtr.Zero;
}
