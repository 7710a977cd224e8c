using System.Diagnostics;
using System.Globalization;

namespace RxKafka.Testing;

/// <summary>
/// A value stamped with the virtual time (in ticks) at which it was produced or is to be produced:
/// the unit of every expectation in a virtual-time test.
/// </summary>
/// <typeparam name="T">The recorded value's type, usually <see cref="System.Reactive.Notification{T}"/>.</typeparam>
[DebuggerDisplay("{Value}@{Time}")]
public readonly struct Recorded<T> : IEquatable<Recorded<T>>
{
    /// <summary>Creates a recorded value.</summary>
    /// <param name="time">The virtual time, in ticks, at which the value was (or will be) produced.</param>
    /// <param name="value">The value.</param>
    public Recorded(long time, T value)
    {
        Time = time;
        Value = value;
    }

    /// <summary>Gets the virtual time, in ticks, at which the value was (or will be) produced.</summary>
    public long Time { get; }

    /// <summary>Gets the recorded value.</summary>
    public T Value { get; }

    /// <summary>
    /// Tells whether this and <paramref name="other"/> have the same time and equal values.
    /// The value comparison calls this instance's value first, so an expected predicate notification
    /// (see <see cref="ReactiveTest.OnNext{T}(long, Func{T, bool})"/>) must be on the left.
    /// </summary>
    /// <param name="other">The recorded value to compare with.</param>
    /// <returns><see langword="true"/> when both time and value are equal.</returns>
    public bool Equals(Recorded<T> other) =>
        Time == other.Time && EqualityComparer<T>.Default.Equals(Value, other.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Recorded<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(Time, Value is null ? 0 : EqualityComparer<T>.Default.GetHashCode(Value));

    /// <summary>Formats the value as <c>value@time</c>, for example <c>OnNext(42)@210</c>.</summary>
    /// <returns>The formatted value.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Value}@{Time}");

    /// <summary>Tells whether two recorded values are equal.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(Recorded<T> left, Recorded<T> right) => left.Equals(right);

    /// <summary>Tells whether two recorded values differ.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(Recorded<T> left, Recorded<T> right) => !left.Equals(right);
}
