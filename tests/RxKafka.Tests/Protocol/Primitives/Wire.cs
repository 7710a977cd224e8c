using System.Buffers;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Tests.Protocol.Primitives;

/// <summary>Writes something through a <see cref="KafkaWriter"/>.</summary>
internal delegate void WriteAction(ref KafkaWriter writer);

/// <summary>Reads something through a <see cref="KafkaReader"/>.</summary>
internal delegate T ReadFunc<out T>(ref KafkaReader reader);

/// <summary>Helpers shared by the primitive tests: hex vectors and the three writer modes.</summary>
internal static class Wire
{
    /// <summary>Parses hex with optional spaces, e.g. <c>"0012 0003"</c>.</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    /// <summary>Encodes through an <see cref="ArrayBufferWriter{T}"/> and returns what was flushed.</summary>
    public static byte[] Buffered(WriteAction write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(output);
        write(ref writer);
        var written = writer.BytesWritten;
        writer.Flush();
        Assert.Equal(written, output.WrittenCount);
        Assert.Equal(written, writer.BytesWritten);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Encodes in all three writer modes and checks each against <paramref name="expectedHex"/>:
    /// buffered (nothing visible before Flush when small), a span of exactly the right size, a
    /// span one byte short (ArgumentException), and counting.
    /// </summary>
    public static void AssertEncodes(string expectedHex, WriteAction write)
    {
        var expected = Hex(expectedHex);

        // IBufferWriter: small encodings stay buffered until Flush.
        var output = new ArrayBufferWriter<byte>();
        var buffered = new KafkaWriter(output);
        write(ref buffered);
        Assert.Equal(expected.Length, buffered.BytesWritten);
        if (expected.Length < 256)
        {
            Assert.Equal(0, output.WrittenCount);
        }

        buffered.Flush();
        Assert.Equal(ToHex(expected), ToHex(output.WrittenSpan));

        // Fixed span of exactly the encoded size.
        var exact = new byte[expected.Length];
        var fixedWriter = new KafkaWriter(exact.AsSpan());
        write(ref fixedWriter);
        Assert.Equal(expected.Length, fixedWriter.BytesWritten);
        Assert.Equal(ToHex(expected), ToHex(exact));

        // One byte short: the fixed writer refuses with ArgumentException.
        if (expected.Length > 0)
        {
            var tooSmall = new byte[expected.Length - 1];
            Assert.Throws<ArgumentException>(() =>
            {
                var w = new KafkaWriter(tooSmall.AsSpan());
                write(ref w);
            });
        }

        // Counting: the size, and nothing else.
        var counter = KafkaWriter.CreateCounter();
        Assert.True(counter.IsCounter);
        write(ref counter);
        Assert.Equal(expected.Length, counter.BytesWritten);
    }

    /// <summary>Reads from <paramref name="hex"/> and checks that every byte was consumed.</summary>
    public static T Read<T>(string hex, ReadFunc<T> read) => Read(Hex(hex), read);

    /// <summary>Reads from <paramref name="bytes"/> and checks that every byte was consumed.</summary>
    public static T Read<T>(byte[] bytes, ReadFunc<T> read)
    {
        var reader = new KafkaReader(bytes);
        var value = read(ref reader);
        Assert.True(reader.End, $"{reader.Remaining} bytes left unread");
        Assert.Equal(bytes.Length, reader.Position);
        return value;
    }

    /// <summary>Reads from <paramref name="hex"/> and returns the protocol exception the read must throw.</summary>
    public static KafkaProtocolException ReadFails<T>(string hex, ReadFunc<T> read) => ReadFails(Hex(hex), read);

    /// <summary>Reads from <paramref name="bytes"/> and returns the protocol exception the read must throw.</summary>
    public static KafkaProtocolException ReadFails<T>(byte[] bytes, ReadFunc<T> read)
        => Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(bytes);
            read(ref reader);
        });
}
