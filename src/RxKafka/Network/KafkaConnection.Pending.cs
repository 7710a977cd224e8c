using System.Reactive.Subjects;
using RxKafka.Protocol.Messages;
using RxKafka.Reactive;

namespace RxKafka.Network;

// A request in flight and the task or observable its response completes. An observable completes on the
// connection's completion lane (in order, never on the reader); a task on the reader, its continuations
// on the thread pool (see ResponseCompletion).
public sealed partial class KafkaConnection
{
    private sealed class PendingRequest
    {
        // Exactly one of the two is set: a task's completion (SendAsync) or a subject (Send and the connection's own exchanges).
        private readonly IResponseCompletion? _completion;
        private readonly AsyncSubject<KafkaResponse>? _result;
        private readonly SerialExecutor? _lane;
        private KafkaResponse? _response;
        private Exception? _error;
        private int _done;

        public PendingRequest(KafkaRequest request, short version, short responseHeaderVersion, bool expectsResponse, IResponseCompletion? completion = null, SerialExecutor? lane = null)
        {
            _lane = lane;
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

        // Header and body, without the size prefix.
        public int Size { get; init; }

        public short HeaderVersion { get; init; }

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
                _response = response;
                Publish();
            }
        }

        public void Fail(Exception error)
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                _error = error;
                Publish();
            }
        }

        private void Publish()
        {
            if (_lane is null)
            {
                PublishHere();
            }
            else
            {
                _lane.Post(static s => ((PendingRequest)s!).PublishHere(), this);
            }
        }

        private void PublishHere()
        {
            if (_error is { } error)
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
            else if (_completion is not null)
            {
                _completion.Complete(_response!);
            }
            else
            {
                _result!.OnNext(_response!);
                _result.OnCompleted();
            }
        }
    }

    private interface IResponseCompletion
    {
        void Complete(KafkaResponse response);

        void Fail(Exception error);
    }

    // What Send(request).ToTask(token) did, in one object: the task's source is the completion itself,
    // and the token cancels the task but not the request. The reader completes it, in response order;
    // its continuations then run on the thread pool (a user's continuation may block, even on another
    // request of this connection), except for the library's own engines, which only hand the answer over.
    private sealed class ResponseCompletion<TResponse> : TaskCompletionSource<TResponse>, IResponseCompletion
        where TResponse : KafkaResponse
    {
        private readonly CancellationTokenRegistration _cancellation;

        public ResponseCompletion(CancellationToken cancellationToken, bool runContinuationsAsynchronously)
            : base(runContinuationsAsynchronously ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None)
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
