using System.Diagnostics.Metrics;

namespace RxKafka.Network;

/// <summary>A snapshot of one connection's traffic and round-trip times (C13).</summary>
/// <param name="BytesSent">Bytes written, frame size prefixes included.</param>
/// <param name="BytesReceived">Bytes of complete frames received, size prefixes included.</param>
/// <param name="FramesSent">Requests written.</param>
/// <param name="FramesReceived">Frames received.</param>
/// <param name="RequestsInFlight">Requests waiting for their response.</param>
/// <param name="RoundTripTimes">The last (up to 100) request round-trip times, oldest first, measured on the connection's scheduler.</param>
public sealed record ConnectionMetrics(
    long BytesSent,
    long BytesReceived,
    long FramesSent,
    long FramesReceived,
    int RequestsInFlight,
    IReadOnlyList<TimeSpan> RoundTripTimes)
{
    /// <summary>The mean of <see cref="RoundTripTimes"/>, or null when there is none.</summary>
    public TimeSpan? AverageRoundTripTime => RoundTripTimes.Count == 0 ? null : TimeSpan.FromTicks((long)RoundTripTimes.Average(t => t.Ticks));
}

/// <summary>The System.Diagnostics.Metrics instruments of RxKafka's network layer (meter "RxKafka.Network").</summary>
internal static class NetworkInstruments
{
    public static readonly Meter Meter = new("RxKafka.Network");
    public static readonly Counter<long> BytesSent = Meter.CreateCounter<long>("rxkafka.connection.bytes_sent", "By", "Bytes written to brokers");
    public static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>("rxkafka.connection.bytes_received", "By", "Bytes received from brokers");
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("rxkafka.connection.requests", "{request}", "Requests written");
    public static readonly Histogram<double> RoundTrip = Meter.CreateHistogram<double>("rxkafka.connection.round_trip", "ms", "Request round-trip time");
    public static readonly Counter<long> Closed = Meter.CreateCounter<long>("rxkafka.connection.closed", "{connection}", "Connections closed, by reason");
}
