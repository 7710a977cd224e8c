using System.Diagnostics.Metrics;

namespace RxKafka.Cli.Commands;

/// <summary>
/// Counts one producer's delivered and failed records from the <c>RxKafka.Producer</c> meter
/// (per batch, by <c>client.id</c>), so a benchmark can send without a callback per record.
/// </summary>
internal sealed class DeliveryCounter : IDisposable
{
    private const string MeterName = "RxKafka.Producer";
    private const string SentName = "rxkafka.producer.records.sent";
    private const string FailedName = "rxkafka.producer.records.failed";

    private readonly MeterListener _listener = new();
    private readonly string _clientId;
    private long _delivered;
    private long _failed;

    /// <summary>Starts counting the records of the producer whose <c>client.id</c> is <paramref name="clientId"/>.</summary>
    public DeliveryCounter(string clientId)
    {
        _clientId = clientId;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name is SentName or FailedName)
            {
                listener.EnableMeasurementEvents(instrument, this);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (instrument, value, tags, state) => ((DeliveryCounter)state!).Count(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Records delivered so far.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Records failed so far.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Records with an outcome so far.</summary>
    public long Done => Delivered + Failed;

    public void Dispose() => _listener.Dispose();

    private void Count(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "client.id" && tag.Value is string id && id == _clientId)
            {
                if (instrument.Name == SentName)
                {
                    Interlocked.Add(ref _delivered, value);
                }
                else
                {
                    Interlocked.Add(ref _failed, value);
                }

                return;
            }
        }
    }
}
