using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;

namespace RxKafka.Network;

// The idle drop (C8) and the one place a connection closes (C9).
public sealed partial class KafkaConnection
{
    // C8: with nothing pending, close when nothing has moved for MaxIdle. Called under _gate.
    private void ScheduleIdleCheck()
    {
        if (_closed || _pending.Count > 0 || _options.MaxIdle == Timeout.InfiniteTimeSpan || _state.Value.Status != ConnectionStatus.Ready)
        {
            return;
        }

        _idleTimer.Disposable = _scheduler.Schedule(this, _options.MaxIdle, static (_, connection) =>
        {
            connection.OnIdle();
            return Disposable.Empty;
        });
    }

    private void OnIdle()
    {
        lock (_gate)
        {
            if (_pending.Count > 0 || _closed)
            {
                return;
            }
        }

        Close(CloseReason.IdleDrop, null);
    }

    /// <summary>C9: closes once; every pending request fails with the reason; the state stream ends with Closed(reason).</summary>
    internal void Close(CloseReason reason, Exception? error)
    {
        PendingRequest[] failed;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            failed = _pending.ToArray();
            _pending.Clear();
            _idleTimer.Dispose();
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
        foreach (var p in failed)
        {
            p.Timeout?.Dispose();
            p.Fail(new ConnectionClosedException(reason, Broker, error));
        }

        _zip.Dispose();
        _awaitingResponse.OnCompleted();
        _frames.OnCompleted();
        _completions.Post(static s => ((KafkaConnection)s!)._userFrames.OnCompleted(), this);
        _metrics.OnCompleted();
        _state.OnCompleted();
        _ = DisposeTransportAsync();
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
