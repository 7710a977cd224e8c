using RxKafka.Protocol.Compression;
using Xunit;

namespace RxKafka.Tests.Protocol.Compression;

public sealed class NativeLibraryTests
{
    [Fact]
    public void A_library_that_is_not_installed_gives_the_missing_library_exception()
    {
        var error = Assert.Throws<KafkaCompressionLibraryMissingException>(() =>
            NativeCompressionLibrary.Load("libbogus", "apt-get install libbogus1", ["libbogus-rxkafka-test.so.9", "libbogus-rxkafka-test"]));

        Assert.Equal("libbogus", error.LibraryName);
        Assert.Contains("libbogus", error.Message);
        Assert.Contains("libbogus-rxkafka-test.so.9", error.Message);
        Assert.Contains("apt-get install libbogus1", error.Message);
        Assert.False(error.IsRetriable);
        Assert.IsAssignableFrom<KafkaException>(error);
    }

    [Fact]
    public void A_library_without_a_needed_function_counts_as_missing()
    {
        IntPtr library = NativeCompressionLibrary.Load(Lz4Native.LibraryName, Lz4Native.InstallHint, Lz4Native.Candidates);

        var error = Assert.Throws<KafkaCompressionLibraryMissingException>(() =>
            NativeCompressionLibrary.Export(library, "liblz4", Lz4Native.InstallHint, "LZ4F_noSuchFunction"));

        Assert.Equal("liblz4", error.LibraryName);
        Assert.Contains("LZ4F_noSuchFunction", error.Message);
        Assert.Contains("apt-get install liblz4-1", error.Message);
    }

    [Fact]
    public void The_system_libraries_load()
    {
        Assert.True(Lz4Native.IsAvailable, "liblz4 should be installed where the tests run (apt-get install liblz4-1)");
        Assert.True(ZstdNative.IsAvailable, "libzstd should be installed where the tests run (apt-get install libzstd1)");
    }
}
