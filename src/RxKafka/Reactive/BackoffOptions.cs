namespace RxKafka.Reactive;

/// <summary>
/// Exponential backoff with jitter between reconnection attempts (Kafka's
/// <c>reconnect.backoff.ms</c> and <c>reconnect.backoff.max.ms</c>): the n-th delay in a row
/// (from 0) is <c>min(Max, Base × 2ⁿ)</c> scaled by a random factor in
/// <c>[1 − JitterFactor, 1 + JitterFactor)</c>, so many clients do not reconnect in step.
/// </summary>
internal sealed record BackoffOptions
{
    /// <summary>Kafka's defaults: 50 ms doubling up to 1 s, ±20 %.</summary>
    public static BackoffOptions Default { get; } = new();

    /// <summary>The first delay (Kafka's <c>reconnect.backoff.ms</c>). Default 50 ms.</summary>
    public TimeSpan Base
    {
        get;
        init => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Base), value, "The base backoff must be positive.");
    } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest delay before jitter (Kafka's <c>reconnect.backoff.max.ms</c>). Default 1 s.</summary>
    public TimeSpan Max
    {
        get;
        init => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Max), value, "The maximum backoff must be positive.");
    } = TimeSpan.FromSeconds(1);

    /// <summary>How far a delay may be randomly moved, as a fraction of it, from 0 (none) to 1. Default 0.2.</summary>
    public double JitterFactor
    {
        get;
        init => field = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(JitterFactor), value, "The jitter factor must be from 0 to 1.");
    } = 0.2;
}
