using System.Reactive.Concurrency;

namespace RxKafka.Client;

/// <summary>
/// The client's last few distinct connection and metadata failures (refused, TLS, SASL, a broker
/// that broke the connection), each with the broker's address and when it last happened. A wait that
/// times out (for a topic's metadata, for <c>max.block.ms</c>, for <c>delivery.timeout.ms</c>) names
/// them: without them a user sees "topic not in the metadata" and never hears that nothing could be
/// reached (issue 11). Bounded: a broker that refuses ten times a second is one entry, not a history.
/// </summary>
internal sealed class RecentFailures(IScheduler scheduler, int capacity = RecentFailures.DefaultCapacity)
{
    /// <summary>How many distinct failures are kept and named.</summary>
    public const int DefaultCapacity = 3;

    private readonly object _gate = new();
    // Oldest first; distinct by broker and message, so a repeat moves to the end with its new time.
    private readonly LinkedList<(string Broker, Exception Error, DateTimeOffset At)> _failures = new();

    /// <summary>Notes that <paramref name="error"/> happened now while talking to <paramref name="broker"/> ("host:port").</summary>
    public void Add(string broker, Exception error)
    {
        // The backoff is not a cause: the failure that started it is (issue 11: "names the real cause first").
        while (error is NodeNotReadyException { InnerException: { } inner })
        {
            error = inner;
        }

        var at = scheduler.Now;
        lock (_gate)
        {
            for (var node = _failures.First; node is not null; node = node.Next)
            {
                if (node.Value.Broker == broker && node.Value.Error.Message == error.Message)
                {
                    _failures.Remove(node);
                    break;
                }
            }

            _failures.AddLast((broker, error, at));
            while (_failures.Count > capacity)
            {
                _failures.RemoveFirst();
            }
        }
    }

    /// <summary>
    /// The failures noted at or after <paramref name="since"/>, oldest first, as one
    /// <see cref="KafkaConnectionException"/> ("the last attempts failed: ...") whose
    /// <see cref="KafkaConnectionException.BrokerErrors"/> lists them; null when there were none.
    /// </summary>
    public KafkaConnectionException? Since(DateTimeOffset since)
    {
        List<KeyValuePair<string, Exception>> errors;
        lock (_gate)
        {
            errors = _failures.Where(f => f.At >= since).Select(f => new KeyValuePair<string, Exception>(f.Broker, f.Error)).ToList();
        }

        return errors.Count == 0 ? null : new KafkaConnectionException(LastAttemptsFailed, errors);
    }

    /// <summary>The start of the message of what <see cref="Since"/> returns.</summary>
    public const string LastAttemptsFailed = "the last attempts failed";

    /// <summary><paramref name="message"/> with the causes appended ("...; the last attempts failed: ..."), or as it is without them.</summary>
    public static string Append(string message, KafkaConnectionException? causes) =>
        causes is null ? message : $"{message}; {causes.Message}";
}
