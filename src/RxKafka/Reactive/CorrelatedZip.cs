namespace RxKafka.Reactive;

/// <summary>What became of one request: answered by a response, or left unanswered because the responses broke off.</summary>
/// <remarks>
/// <see cref="Broken"/> carries no request: it says once, before the unanswered ones, that the stream of
/// responses failed (a response that matched no request, or the stream ended), so that the owner can close
/// before the requests' failures are observed.
/// </remarks>
internal readonly struct Correlated<TRequest, TResponse>
{
    private Correlated(Kind kind, TRequest request, TResponse response, Exception? error)
    {
        Outcome = kind;
        Request = request;
        Response = response;
        Error = error;
    }

    public enum Kind
    {
        Answered,
        Unanswered,
        Broken,
    }

    public Kind Outcome { get; }

    public TRequest Request { get; }

    public TResponse Response { get; }

    public Exception? Error { get; }

    public static Correlated<TRequest, TResponse> Answered(TRequest request, TResponse response) => new(Kind.Answered, request, response, null);

    public static Correlated<TRequest, TResponse> Unanswered(TRequest request, Exception error) => new(Kind.Unanswered, request, default!, error);

    public static Correlated<TRequest, TResponse> Broken(Exception error) => new(Kind.Broken, default!, default!, error);
}

/// <summary>
/// The correlated zip: pairs the n-th request sent with the n-th response received, checking that they
/// belong together. Its queue is the list of requests in flight; every request that enters it comes out
/// exactly once, answered or unanswered.
/// </summary>
/// <remarks>
/// <para>
/// Unlike <c>Observable.Zip</c>, a response never waits for a request: one that arrives with none in flight,
/// or that <c>check</c> refuses, breaks the stream. From then on (as after the responses end or fail) every
/// request in flight, and every one sent later, comes out unanswered with that error; the output completes
/// once the requests complete. The requests' own error fails those in flight with it and ends the output.
/// </para>
/// <para>
/// One gate guards the queue and an outbox; what the gate decides is emitted after it is released, by one
/// thread at a time, in order (a <see cref="SerialExecutor.Trampoline"/>), so that what an outcome sets
/// off (a continuation that sends on another connection) never runs holding it. A response is emitted
/// before its <c>OnNext</c> returns unless another thread is emitting, which happens only once the stream is broken: the caller may lend the response's
/// memory for the length of the call.
/// </para>
/// </remarks>
internal sealed class CorrelatedZip<TRequest, TResponse> : IObservable<Correlated<TRequest, TResponse>>
{
    private readonly IObservable<TRequest> _requests;
    private readonly IObservable<TResponse> _responses;
    private readonly Func<TRequest, TResponse, Exception?> _check;
    private readonly Func<TResponse, Exception> _unsolicited;

    /// <param name="requests">The requests in the order they were sent.</param>
    /// <param name="responses">The responses in the order they arrived.</param>
    /// <param name="check">Null when the response answers the oldest request in flight, else why not.</param>
    /// <param name="unsolicited">The error for a response that arrived with no request in flight.</param>
    public CorrelatedZip(IObservable<TRequest> requests, IObservable<TResponse> responses, Func<TRequest, TResponse, Exception?> check, Func<TResponse, Exception> unsolicited)
    {
        _requests = requests;
        _responses = responses;
        _check = check;
        _unsolicited = unsolicited;
    }

    public IDisposable Subscribe(IObserver<Correlated<TRequest, TResponse>> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var sink = new Sink(observer, _check, _unsolicited);
        sink.Run(_requests, _responses);
        return sink;
    }

    private sealed class Sink : IDisposable
    {
        private readonly object _gate = new();
        private readonly Queue<TRequest> _inFlight = new();
        private readonly Queue<Correlated<TRequest, TResponse>> _outbox = new();
        private readonly IObserver<Correlated<TRequest, TResponse>> _observer;
        private readonly Func<TRequest, TResponse, Exception?> _check;
        private readonly Func<TResponse, Exception> _unsolicited;
        private readonly SerialExecutor _emitter;
        private IDisposable? _requestSubscription;
        private IDisposable? _responseSubscription;
        private Exception? _broken;
        private bool _requestsCompleted;
        private Exception? _end;
        private bool _ended;
        private bool _endSignalled;
        // Set once no response can matter any more; the subscription is let go outside the gate.
        private bool _endResponses;
        private bool _disposed;

        public Sink(IObserver<Correlated<TRequest, TResponse>> observer, Func<TRequest, TResponse, Exception?> check, Func<TResponse, Exception> unsolicited)
        {
            _observer = observer;
            _check = check;
            _unsolicited = unsolicited;
            _emitter = SerialExecutor.Trampoline(EmitWaiting);
        }

        public void Run(IObservable<TRequest> requests, IObservable<TResponse> responses)
        {
            var responseSubscription = responses.Subscribe(new ResponseObserver(this));
            var requestSubscription = requests.Subscribe(new RequestObserver(this));
            lock (_gate)
            {
                if (_disposed)
                {
                    responseSubscription.Dispose();
                    requestSubscription.Dispose();
                    return;
                }

                // Either may have ended during its Subscribe; it is not subscribed any more then.
                _responseSubscription = _endResponses ? Release(responseSubscription) : responseSubscription;
                _requestSubscription = _ended ? Release(requestSubscription) : requestSubscription;
            }
        }

        public void Dispose()
        {
            IDisposable? requests, responses;
            lock (_gate)
            {
                _disposed = true;
                _ended = true;
                _outbox.Clear();
                requests = _requestSubscription;
                responses = _responseSubscription;
                _requestSubscription = _responseSubscription = null;
            }

            requests?.Dispose();
            responses?.Dispose();
        }

        private static IDisposable? Release(IDisposable subscription)
        {
            subscription.Dispose();
            return null;
        }

        private void OnRequest(TRequest request)
        {
            lock (_gate)
            {
                if (_ended)
                {
                    return;
                }

                if (_broken is { } broken)
                {
                    _outbox.Enqueue(Correlated<TRequest, TResponse>.Unanswered(request, broken));
                }
                else
                {
                    _inFlight.Enqueue(request);
                    return;
                }
            }

            Emit();
        }

        private void OnRequestsEnded(Exception? error)
        {
            IDisposable? done;
            lock (_gate)
            {
                if (_ended)
                {
                    return;
                }

                _requestsCompleted = true;
                done = _requestSubscription;
                _requestSubscription = null;
                if (error is not null)
                {
                    // The requests failed: nothing in flight will be answered.
                    while (_inFlight.TryDequeue(out var request))
                    {
                        _outbox.Enqueue(Correlated<TRequest, TResponse>.Unanswered(request, error));
                    }

                    EndLocked(error);
                }
                else if (_inFlight.Count == 0)
                {
                    EndLocked(null);
                }
            }

            done?.Dispose();
            Emit();
        }

        private void OnResponse(TResponse response)
        {
            lock (_gate)
            {
                if (_broken is not null || _ended)
                {
                    return;
                }

                if (!_inFlight.TryPeek(out var oldest))
                {
                    BreakLocked(_unsolicited(response));
                }
                else if (_check(oldest, response) is { } mismatch)
                {
                    BreakLocked(mismatch);
                }
                else
                {
                    _inFlight.Dequeue();
                    _outbox.Enqueue(Correlated<TRequest, TResponse>.Answered(oldest, response));
                    if (_requestsCompleted && _inFlight.Count == 0)
                    {
                        EndLocked(null);
                    }
                }
            }

            Emit();
        }

        private void OnResponsesEnded(Exception error)
        {
            lock (_gate)
            {
                if (_broken is not null || _ended)
                {
                    return;
                }

                BreakLocked(error);
            }

            Emit();
        }

        // Called under the gate.
        private void BreakLocked(Exception error)
        {
            _broken = error;
            _outbox.Enqueue(Correlated<TRequest, TResponse>.Broken(error));
            while (_inFlight.TryDequeue(out var request))
            {
                _outbox.Enqueue(Correlated<TRequest, TResponse>.Unanswered(request, error));
            }

            _endResponses = true;
            if (_requestsCompleted)
            {
                EndLocked(null);
            }
        }

        // Called under the gate: the output ends after what the outbox holds.
        private void EndLocked(Exception? error)
        {
            _ended = true;
            _end = error;
            _endResponses = true;
        }

        private void Emit() => _emitter.Signal();

        // The trampoline's drain: one outcome at a time, taken under the gate and emitted outside it.
        private void EmitWaiting()
        {
            while (true)
            {
                Correlated<TRequest, TResponse> next;
                IDisposable? release = null;
                Exception? error = null;
                var complete = false;
                lock (_gate)
                {
                    if (_endResponses && _responseSubscription is not null)
                    {
                        release = _responseSubscription;
                        _responseSubscription = null;
                    }

                    if (!_outbox.TryDequeue(out next))
                    {
                        if (_ended && !_disposed && !_endSignalled)
                        {
                            _endSignalled = true;
                            complete = true;
                            error = _end;
                        }
                        else
                        {
                            release?.Dispose();
                            return;
                        }
                    }
                }

                release?.Dispose();
                if (complete)
                {
                    if (error is null)
                    {
                        _observer.OnCompleted();
                    }
                    else
                    {
                        _observer.OnError(error);
                    }

                    return;
                }

                _observer.OnNext(next);
            }
        }

        private sealed class RequestObserver(Sink sink) : IObserver<TRequest>
        {
            public void OnNext(TRequest value) => sink.OnRequest(value);

            public void OnError(Exception error) => sink.OnRequestsEnded(error);

            public void OnCompleted() => sink.OnRequestsEnded(null);
        }

        private sealed class ResponseObserver(Sink sink) : IObserver<TResponse>
        {
            public void OnNext(TResponse value) => sink.OnResponse(value);

            public void OnError(Exception error) => sink.OnResponsesEnded(error);

            public void OnCompleted() => sink.OnResponsesEnded(new InvalidOperationException("the responses ended"));
        }
    }
}
