namespace RxKafka.Reactive;

/// <summary>
/// The state of one backoff sequence: each <see cref="NextDelay"/> doubles the delay (up to the
/// maximum) until <see cref="Reset"/> after a success. Not thread-safe: one per reconnecting thing.
/// </summary>
internal sealed class Backoff
{
    // 2^30 × any positive base exceeds any sensible maximum; stopping there avoids overflow.
    private const int MaxExponent = 30;

    private readonly BackoffOptions _options;
    private readonly Random _random;

    /// <summary>Creates a sequence.</summary>
    /// <param name="options">Base, maximum and jitter.</param>
    /// <param name="random">The jitter's source; <see cref="Random.Shared"/> when <see langword="null"/>.</param>
    public Backoff(BackoffOptions options, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _random = random ?? Random.Shared;
    }

    /// <summary>How many delays have been handed out since the last reset.</summary>
    public int Attempts { get; private set; }

    /// <summary>The delay before the next attempt; each call counts one more failed attempt.</summary>
    public TimeSpan NextDelay()
    {
        var delay = Compute(_options, Attempts, _random.NextDouble());
        if (Attempts < MaxExponent)
        {
            Attempts++;
        }

        return delay;
    }

    /// <summary>Starts again from the base delay, after a success.</summary>
    public void Reset() => Attempts = 0;

    /// <summary>
    /// The delay for attempt <paramref name="attempt"/> (from 0) with a uniform sample
    /// <paramref name="sample"/> in [0, 1): <c>min(Max, Base × 2^attempt) × (1 − J + 2J × sample)</c>.
    /// </summary>
    internal static TimeSpan Compute(BackoffOptions options, int attempt, double sample)
    {
        var exponent = Math.Min(attempt, MaxExponent);
        var ticks = Math.Min((double)options.Max.Ticks, options.Base.Ticks * Math.Pow(2, exponent));
        var factor = 1 - options.JitterFactor + (2 * options.JitterFactor * sample);
        return TimeSpan.FromTicks((long)(ticks * factor));
    }
}
