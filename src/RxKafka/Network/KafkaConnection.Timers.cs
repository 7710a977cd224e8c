using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using RxKafka.Protocol.Messages;

namespace RxKafka.Network;

// The request timeout (C6) and the idle drop (C8), each one timer per connection, not one per request:
// requests are answered in the order they were written and share one timeout, so the oldest in flight is
// always the first that can time out. A timer that fires early (its request was answered) re-arms itself
// for what is oldest now. Everything here is called under _gate.
public sealed partial class KafkaConnection
{
    // When each request in the zip (oldest first) times out, and what to name if it does.
    private readonly Queue<Deadline> _deadlines = new();
    private IDisposable? _requestTimer;
    private IDisposable? _idleTimer;
    private DateTimeOffset _lastActivity;
    private RequestTimedOutException? _timedOut;
    private int _timedOutCorrelationId;

    private readonly record struct Deadline(DateTimeOffset Due, int CorrelationId, ApiKey Api, short Version, TimeSpan Timeout);

    // A request expecting an answer was written at `now`.
    private void Track(PendingRequest pending, DateTimeOffset now)
    {
        _lastActivity = now;
        // A broker answers a connection's requests in order, so a request behind a longer-waiting one (a
        // JoinGroup) cannot be answered before it: the queue's oldest deadline stays the one that matters.
        var timeout = pending.Request.LongerTimeout is { } longer && longer > _options.RequestTimeout ? longer : _options.RequestTimeout;
        _deadlines.Enqueue(new Deadline(now + timeout, pending.CorrelationId, pending.Request.ApiKey, pending.Version, timeout));
        _requestTimer ??= ScheduleRequestTimer(timeout);
    }

    // The oldest request in flight was answered or failed.
    private void Untrack()
    {
        _deadlines.TryDequeue(out _);
        _lastActivity = _scheduler.Now;
    }

    private IDisposable ScheduleRequestTimer(TimeSpan due) =>
        _scheduler.Schedule(this, due, static (_, connection) =>
        {
            connection.OnRequestTimer();
            return Disposable.Empty;
        });

    private void OnRequestTimer()
    {
        RequestTimedOutException error;
        lock (_gate)
        {
            _requestTimer = null;
            if (_closed || !_deadlines.TryPeek(out var oldest))
            {
                return;
            }

            var left = oldest.Due - _scheduler.Now;
            if (left > TimeSpan.Zero)
            {
                _requestTimer = ScheduleRequestTimer(left);
                return;
            }

            // C6: the request fails with RequestTimedOut and the connection closes with ConnectionTimeout
            // (the state says Closed before the request's failure is observed); the close fails the others.
            error = new RequestTimedOutException($"{oldest.Api} v{oldest.Version} request (correlation id {oldest.CorrelationId}) to {Broker} got no response within {oldest.Timeout}");
            _timedOut = error;
            _timedOutCorrelationId = oldest.CorrelationId;
        }

        Close(CloseReason.ConnectionTimeout, error);
    }

    // Why an unanswered request fails: its own timeout, or the close.
    private Exception UnansweredError(PendingRequest pending)
    {
        lock (_gate)
        {
            if (_timedOut is { } timedOut && pending.CorrelationId == _timedOutCorrelationId)
            {
                _timedOut = null;
                return timedOut;
            }
        }

        return ClosedError();
    }

    // C8: once Ready, the idle timer runs; with nothing in flight and nothing moved for MaxIdle, close.
    private void StartIdleTimer()
    {
        _lastActivity = _scheduler.Now;
        if (_options.MaxIdle != Timeout.InfiniteTimeSpan)
        {
            _idleTimer = ScheduleIdleTimer(_options.MaxIdle);
        }
    }

    private IDisposable ScheduleIdleTimer(TimeSpan due) =>
        _scheduler.Schedule(this, due, static (_, connection) =>
        {
            connection.OnIdleTimer();
            return Disposable.Empty;
        });

    private void OnIdleTimer()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            var left = _lastActivity + _options.MaxIdle - _scheduler.Now;
            if (_inFlight > 0 || left > TimeSpan.Zero)
            {
                _idleTimer = ScheduleIdleTimer(left > TimeSpan.Zero ? left : _options.MaxIdle);
                return;
            }
        }

        Close(CloseReason.IdleDrop, null);
    }

    private void StopTimers()
    {
        _requestTimer?.Dispose();
        _idleTimer?.Dispose();
    }
}
