using System.Buffers;

namespace RxKafka.Protocol.Compression;

/// <summary>
/// A write-only <see cref="Stream"/> that appends straight into an <see cref="IBufferWriter{T}"/>,
/// so a <see cref="System.IO.Compression.GZipStream"/> can compress without an intermediate buffer.
/// </summary>
internal sealed class BufferWriterStream : Stream
{
    private readonly IBufferWriter<byte> _destination;
    private long _written;

    public BufferWriterStream(IBufferWriter<byte> destination) => _destination = destination;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        buffer.CopyTo(_destination.GetSpan(buffer.Length));
        _destination.Advance(buffer.Length);
        _written += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value)
    {
        _destination.GetSpan(1)[0] = value;
        _destination.Advance(1);
        _written++;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
