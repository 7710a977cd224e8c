// The pre-change baseline (before the managed codecs): kept in the benchmark project only, so that
// CompressionBenchmarks can measure old against new in one run. Not used by the library or its tests.
using System.Runtime.InteropServices;

namespace RxKafka.Benchmarks.OldCodecs;

/// <summary>
/// The LZ4 frame API of the system's liblz4, bound through function pointers on first use.
/// <see cref="Api"/> throws <see cref="DllNotFoundException"/> when it is absent.
/// </summary>
internal sealed unsafe class OldLz4Native
{
    public const string LibraryName = "liblz4";

    public const string InstallHint =
        "Debian/Ubuntu: apt-get install liblz4-1; Fedora/RHEL: dnf install lz4-libs; Alpine: apk add lz4-libs; "
        + "macOS: brew install lz4; Windows: put liblz4.dll (or lz4.dll) next to the application";

    public static readonly string[] Candidates =
    [
        "liblz4.so.1", "liblz4.so", "liblz4", "liblz4.1.dylib", "liblz4.dylib", "lz4", "liblz4.dll", "lz4.dll",
    ];

    /// <summary>LZ4F_VERSION, the API version passed to LZ4F_createDecompressionContext.</summary>
    public const uint Lz4fVersion = 100;

    public readonly delegate* unmanaged[Cdecl]<nuint, Preferences*, nuint> CompressFrameBound;
    public readonly delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint, Preferences*, nuint> CompressFrame;
    public readonly delegate* unmanaged[Cdecl]<nuint, uint> IsError;
    public readonly delegate* unmanaged[Cdecl]<nuint, byte*> GetErrorName;
    public readonly delegate* unmanaged[Cdecl]<IntPtr*, uint, nuint> CreateDecompressionContext;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint> FreeDecompressionContext;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void*, nuint*, void*, nuint*, void*, nuint> DecompressFrame;

    private OldLz4Native(IntPtr library)
    {
        CompressFrameBound = (delegate* unmanaged[Cdecl]<nuint, Preferences*, nuint>)Export(library, "LZ4F_compressFrameBound");
        CompressFrame = (delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint, Preferences*, nuint>)Export(library, "LZ4F_compressFrame");
        IsError = (delegate* unmanaged[Cdecl]<nuint, uint>)Export(library, "LZ4F_isError");
        GetErrorName = (delegate* unmanaged[Cdecl]<nuint, byte*>)Export(library, "LZ4F_getErrorName");
        CreateDecompressionContext = (delegate* unmanaged[Cdecl]<IntPtr*, uint, nuint>)Export(library, "LZ4F_createDecompressionContext");
        FreeDecompressionContext = (delegate* unmanaged[Cdecl]<IntPtr, nuint>)Export(library, "LZ4F_freeDecompressionContext");
        DecompressFrame = (delegate* unmanaged[Cdecl]<IntPtr, void*, nuint*, void*, nuint*, void*, nuint>)Export(library, "LZ4F_decompress");
    }

    /// <summary>The bound library; loads it on first call, throws if it is missing.</summary>
    public static OldLz4Native Api => Holder.Instance ?? throw new DllNotFoundException(Holder.Failure!.Message, Holder.Failure);

    /// <summary>Whether the library can be loaded (for tests and diagnostics).</summary>
    public static bool IsAvailable => Holder.Instance is not null;

    /// <summary>The message LZ4F gives for an error code.</summary>
    public string ErrorName(nuint code) => Marshal.PtrToStringUTF8((IntPtr)GetErrorName(code)) ?? $"error {code}";

    private static IntPtr Export(IntPtr library, string symbol)
        => OldNativeCompressionLibrary.Export(library, LibraryName, InstallHint, symbol);

    /// <summary>LZ4F_preferences_t (with its LZ4F_frameInfo_t), as laid out by lz4 1.8 and later.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Preferences
    {
        public int BlockSizeId;
        public int BlockMode;
        public int ContentChecksumFlag;
        public int FrameType;
        public ulong ContentSize;
        public uint DictId;
        public int BlockChecksumFlag;
        public int CompressionLevel;
        public uint AutoFlush;
        public uint FavorDecSpeed;
        public uint Reserved0;
        public uint Reserved1;
        public uint Reserved2;
    }

    /// <summary>Nested so the library is loaded on first use, not when the codec class is touched.</summary>
    private static class Holder
    {
        public static readonly OldLz4Native? Instance;
        public static readonly DllNotFoundException? Failure;

#pragma warning disable CA1810 // the static constructor is the point: it runs once, lazily
        static Holder()
        {
            try
            {
                Instance = new OldLz4Native(OldNativeCompressionLibrary.Load(LibraryName, InstallHint, Candidates));
            }
            catch (DllNotFoundException e)
            {
                Failure = e;
            }
        }
#pragma warning restore CA1810
    }
}
