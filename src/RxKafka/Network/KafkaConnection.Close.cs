using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;

namespace RxKafka.Network;

// The one place a connection closes (C9).
public sealed partial class KafkaConnection
{
    /// <summary>C9: closes once; every pending request fails with the reason; the state stream ends with Closed(reason).</summary>
    internal void Close(CloseReason reason, Exception? error)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            StopTimers();
            _reauthTimer.Dispose();
        }

        _options.Logger?.Log(
            reason is CloseReason.Shutdown or CloseReason.IdleDrop ? LogLevel.Debug : LogLevel.Warning,
            error,
            "Connection to {Broker} closed: {Reason}",
            Broker,
            reason);
        NetworkInstruments.Closed.Add(1, _brokerTag, new("reason", reason.ToString()));
        // The state says Closed before any pending request's failure is observed.
        _state.OnNext(ConnectionState.Closed(reason, error));
        // The reader stops and ends the frames; on the executor, after whatever it is writing, the request
        // stream ends: either way the zip fails every request in flight, and the writer withdraws the queued.
        _reader.Stop();
        _executor.Post(
            static s =>
            {
                var connection = (KafkaConnection)s!;
                connection._sent.OnError(connection.ClosedError());
                connection.HalfClosed();
            },
            this);
        _userLane.Post(static s => ((KafkaConnection)s!)._userFrames.OnCompleted(), this);
        _metrics.OnCompleted();
        _state.OnCompleted();
    }

    // Why requests fail once the connection is closed.
    private ConnectionClosedException ClosedError()
    {
        var state = _state.Value;
        return new ConnectionClosedException(state.Reason ?? CloseReason.ConnectionBroken, Broker, state.Error);
    }

    // The reader and the writer are each done with the transport: the second one lets it go.
    private void HalfClosed()
    {
        if (Interlocked.Decrement(ref _openHalves) == 0)
        {
            _zip.Dispose();
            _ = DisposeTransportAsync();
        }
    }

    private async Task DisposeTransportAsync()
    {
        try
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection is closed either way; a failing socket close changes nothing.
        }
    }
}
