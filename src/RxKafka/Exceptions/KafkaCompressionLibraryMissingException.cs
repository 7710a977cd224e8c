
namespace RxKafka;

/// <summary>
/// A compression codec needs a native library (liblz4 for LZ4, libzstd for Zstandard) that
/// could not be loaded on this machine. The message names the library and how to install it.
/// </summary>
public sealed class KafkaCompressionLibraryMissingException : KafkaException
{
    /// <summary>Creates the exception for the library <paramref name="libraryName"/>.</summary>
    /// <param name="libraryName">The library that could not be loaded, e.g. <c>liblz4</c>.</param>
    /// <param name="message">What was tried and how to install the library.</param>
    public KafkaCompressionLibraryMissingException(string libraryName, string message)
        : base(ErrorCode.None, message)
    {
        LibraryName = libraryName;
    }

    /// <summary>The native library that could not be loaded, e.g. <c>liblz4</c> or <c>libzstd</c>.</summary>
    public string LibraryName { get; }

    /// <summary>Always false: retrying does not help until the library is installed.</summary>
    public override bool IsRetriable => false;

    /// <summary>A fresh copy to throw again (a cached failure is never rethrown as the same object).</summary>
    internal KafkaCompressionLibraryMissingException Copy() => new(LibraryName, Message);
}
