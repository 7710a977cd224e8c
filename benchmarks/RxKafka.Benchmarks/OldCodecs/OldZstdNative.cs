// The pre-change baseline (before the managed codecs): kept in the benchmark project only, so that
// CompressionBenchmarks can measure old against new in one run. Not used by the library or its tests.
using System.Runtime.InteropServices;

namespace RxKafka.Benchmarks.OldCodecs;

/// <summary>
/// The parts of the system's libzstd that Kafka's zstd needs, bound through function pointers on
/// first use. <see cref="Api"/> throws <see cref="DllNotFoundException"/> when it is absent.
/// </summary>
internal sealed unsafe class OldZstdNative
{
    public const string LibraryName = "libzstd";

    public const string InstallHint =
        "Debian/Ubuntu: apt-get install libzstd1; Fedora/RHEL: dnf install libzstd; Alpine: apk add zstd-libs; "
        + "macOS: brew install zstd; Windows: put libzstd.dll (or zstd.dll) next to the application";

    public static readonly string[] Candidates =
    [
        "libzstd.so.1", "libzstd.so", "libzstd", "libzstd.1.dylib", "libzstd.dylib", "zstd", "libzstd.dll", "zstd.dll",
    ];

    /// <summary>ZSTD_d_windowLogMax, the decoder parameter that caps the window a frame may ask for.</summary>
    public const int WindowLogMaxParameter = 100;

    public readonly delegate* unmanaged[Cdecl]<nuint, nuint> CompressBound;
    public readonly delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint, int, nuint> CompressBlock;
    public readonly delegate* unmanaged[Cdecl]<nuint, uint> IsError;
    public readonly delegate* unmanaged[Cdecl]<nuint, byte*> GetErrorName;
    public readonly delegate* unmanaged[Cdecl]<IntPtr> CreateDStream;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint> InitDStream;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, OutBuffer*, InBuffer*, nuint> DecompressStream;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint> FreeDStream;

    /// <summary>ZSTD_DCtx_setParameter (zstd 1.4 and later); null on older libraries.</summary>
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, int, nuint> SetDecompressionParameter;

    private OldZstdNative(IntPtr library)
    {
        CompressBound = (delegate* unmanaged[Cdecl]<nuint, nuint>)Export(library, "ZSTD_compressBound");
        CompressBlock = (delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint, int, nuint>)Export(library, "ZSTD_compress");
        IsError = (delegate* unmanaged[Cdecl]<nuint, uint>)Export(library, "ZSTD_isError");
        GetErrorName = (delegate* unmanaged[Cdecl]<nuint, byte*>)Export(library, "ZSTD_getErrorName");
        CreateDStream = (delegate* unmanaged[Cdecl]<IntPtr>)Export(library, "ZSTD_createDStream");
        InitDStream = (delegate* unmanaged[Cdecl]<IntPtr, nuint>)Export(library, "ZSTD_initDStream");
        DecompressStream = (delegate* unmanaged[Cdecl]<IntPtr, OutBuffer*, InBuffer*, nuint>)Export(library, "ZSTD_decompressStream");
        FreeDStream = (delegate* unmanaged[Cdecl]<IntPtr, nuint>)Export(library, "ZSTD_freeDStream");
        SetDecompressionParameter = (delegate* unmanaged[Cdecl]<IntPtr, int, int, nuint>)OldNativeCompressionLibrary.OptionalExport(library, "ZSTD_DCtx_setParameter");
    }

    /// <summary>The bound library; loads it on first call, throws if it is missing.</summary>
    public static OldZstdNative Api => Holder.Instance ?? throw new DllNotFoundException(Holder.Failure!.Message, Holder.Failure);

    /// <summary>Whether the library can be loaded (for tests and diagnostics).</summary>
    public static bool IsAvailable => Holder.Instance is not null;

    /// <summary>The message zstd gives for an error code.</summary>
    public string ErrorName(nuint code) => Marshal.PtrToStringUTF8((IntPtr)GetErrorName(code)) ?? $"error {code}";

    private static IntPtr Export(IntPtr library, string symbol)
        => OldNativeCompressionLibrary.Export(library, LibraryName, InstallHint, symbol);

    /// <summary>ZSTD_inBuffer.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct InBuffer
    {
        public void* Source;
        public nuint Size;
        public nuint Position;
    }

    /// <summary>ZSTD_outBuffer.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OutBuffer
    {
        public void* Destination;
        public nuint Size;
        public nuint Position;
    }

    /// <summary>Nested so the library is loaded on first use, not when the codec class is touched.</summary>
    private static class Holder
    {
        public static readonly OldZstdNative? Instance;
        public static readonly DllNotFoundException? Failure;

#pragma warning disable CA1810 // the static constructor is the point: it runs once, lazily
        static Holder()
        {
            try
            {
                Instance = new OldZstdNative(OldNativeCompressionLibrary.Load(LibraryName, InstallHint, Candidates));
            }
            catch (DllNotFoundException e)
            {
                Failure = e;
            }
        }
#pragma warning restore CA1810
    }
}
