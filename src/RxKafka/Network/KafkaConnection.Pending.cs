using System.Reactive.Subjects;
using RxKafka.Protocol.Messages;

namespace RxKafka.Network;

// A request in flight and the task or observable its response completes.
public sealed partial class KafkaConnection
{
    private sealed class PendingRequest
    {
        // Exactly one of the two is set: a task's completion (SendAsync) or a subject (Send and the connection's own exchanges).
        private readonly IResponseCompletion? _completion;
        private readonly AsyncSubject<KafkaResponse>? _result;
        private int _done;

        public PendingRequest(KafkaRequest request, short version, short responseHeaderVersion, bool expectsResponse, IResponseCompletion? completion = null)
        {
            Request = request;
            Version = version;
            ResponseHeaderVersion = responseHeaderVersion;
            ExpectsResponse = expectsResponse;
            _completion = completion;
            _result = completion is null ? new AsyncSubject<KafkaResponse>() : null;
        }

        public KafkaRequest Request { get; }

        public short Version { get; }

        public short ResponseHeaderVersion { get; }

        public bool ExpectsResponse { get; }

        public int CorrelationId { get; set; } = -1;

        public DateTimeOffset SentAt { get; set; }

        public IDisposable? Timeout { get; set; }

        public byte[]? RawToken { get; init; }

        public bool IsDone => Volatile.Read(ref _done) != 0;

        public IObservable<KafkaResponse> Result => _result ?? throw new InvalidOperationException("this request completes a task, not an observable");

        public static PendingRequest Failed(Exception error, IResponseCompletion? completion = null)
        {
            var p = new PendingRequest(null!, -1, 0, false, completion);
            p.Fail(error);
            return p;
        }

        public void Complete(KafkaResponse response)
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                if (_completion is not null)
                {
                    _completion.Complete(response);
                }
                else
                {
                    _result!.OnNext(response);
                    _result.OnCompleted();
                }
            }
        }

        public void Fail(Exception error)
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                if (_completion is not null)
                {
                    _completion.Fail(error);
                }
                else
                {
                    _result!.OnError(error);
                }
            }
        }
    }

    private interface IResponseCompletion
    {
        void Complete(KafkaResponse response);

        void Fail(Exception error);
    }

    // What Send(request).ToTask(token) did, in one object: the task's source is the completion itself,
    // continuations run synchronously (no RunContinuationsAsynchronously, as with ToTask), and the
    // token cancels the task but not the request.
    private sealed class ResponseCompletion<TResponse> : TaskCompletionSource<TResponse>, IResponseCompletion
        where TResponse : KafkaResponse
    {
        private readonly CancellationTokenRegistration _cancellation;

        public ResponseCompletion(CancellationToken cancellationToken)
        {
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.Register(static (state, token) => ((ResponseCompletion<TResponse>)state!).TrySetCanceled(token), this);
            }
        }

        public void Complete(KafkaResponse response)
        {
            TrySetResult((TResponse)response);
            _cancellation.Dispose();
        }

        public void Fail(Exception error)
        {
            TrySetException(error);
            _cancellation.Dispose();
        }
    }
}
