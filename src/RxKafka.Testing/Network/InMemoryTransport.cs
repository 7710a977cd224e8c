using System.IO.Pipelines;
using RxKafka.Network;

namespace RxKafka.Testing.Network;

/// <summary>
/// A transport made of two in-memory pipes. By default their continuations run inline, so that under a
/// TestScheduler everything a write causes happens synchronously, at the virtual time of the write; with
/// <see cref="PipeScheduler.ThreadPool"/> each side reads on a thread of its own, as over a socket (tests
/// with real threads).
/// </summary>
public sealed class InMemoryTransport : IKafkaTransport
{
    private readonly Pipe _toBroker;
    private readonly Pipe _toClient;
    private IDuplexPipe? _brokerSide;

    private InMemoryTransport(string description, PipeScheduler scheduler)
    {
        var options = new PipeOptions(readerScheduler: scheduler, writerScheduler: scheduler, pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);
        _toBroker = new Pipe(options);
        _toClient = new Pipe(options);
        Description = description;
    }

    /// <inheritdoc/>
    public PipeReader Input => _toClient.Reader;

    /// <inheritdoc/>
    public PipeWriter Output => _toBroker.Writer;

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>The broker's end: what the client wrote, and where the broker writes.</summary>
    public IDuplexPipe BrokerSide => _brokerSide ??= new Duplex(_toBroker.Reader, _toClient.Writer);

    /// <summary>Creates a connected pair whose continuations run on <paramref name="scheduler"/> (inline when null).</summary>
    public static InMemoryTransport Create(string description = "memory://broker:9092", PipeScheduler? scheduler = null) => new(description, scheduler ?? PipeScheduler.Inline);

    /// <summary>Whether the client side closed this transport.</summary>
    public bool IsDisposed { get; private set; }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        IsDisposed = true;
        _toBroker.Writer.Complete();
        _toClient.Reader.Complete();
        return ValueTask.CompletedTask;
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
