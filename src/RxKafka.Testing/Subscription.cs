using System.Diagnostics;
using System.Globalization;

namespace RxKafka.Testing;

/// <summary>
/// The virtual-time interval during which an observer was subscribed to a testable observable:
/// when it subscribed and when it unsubscribed (or <see cref="Infinite"/> if it never did).
/// </summary>
[DebuggerDisplay("({Subscribe}, {Unsubscribe})")]
public readonly struct Subscription : IEquatable<Subscription>
{
    /// <summary>The unsubscription time of a subscription that has not been disposed.</summary>
    public const long Infinite = long.MaxValue;

    /// <summary>Creates a subscription that has not been disposed.</summary>
    /// <param name="subscribe">The virtual time, in ticks, of the subscription.</param>
    public Subscription(long subscribe)
        : this(subscribe, Infinite)
    {
    }

    /// <summary>Creates a subscription that was disposed.</summary>
    /// <param name="subscribe">The virtual time, in ticks, of the subscription.</param>
    /// <param name="unsubscribe">The virtual time, in ticks, of the disposal.</param>
    public Subscription(long subscribe, long unsubscribe)
    {
        Subscribe = subscribe;
        Unsubscribe = unsubscribe;
    }

    /// <summary>Gets the virtual time, in ticks, at which the observer subscribed.</summary>
    public long Subscribe { get; }

    /// <summary>Gets the virtual time, in ticks, at which the subscription was disposed, or <see cref="Infinite"/>.</summary>
    public long Unsubscribe { get; }

    /// <summary>Tells whether both subscriptions have the same subscribe and unsubscribe times.</summary>
    /// <param name="other">The subscription to compare with.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(Subscription other) => Subscribe == other.Subscribe && Unsubscribe == other.Unsubscribe;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Subscription other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Subscribe, Unsubscribe);

    /// <summary>Formats the subscription as <c>(200, 1000)</c> or <c>(200, Infinite)</c>.</summary>
    /// <returns>The formatted subscription.</returns>
    public override string ToString() => Unsubscribe == Infinite
        ? string.Create(CultureInfo.InvariantCulture, $"({Subscribe}, Infinite)")
        : string.Create(CultureInfo.InvariantCulture, $"({Subscribe}, {Unsubscribe})");

    /// <summary>Tells whether two subscriptions are equal.</summary>
    /// <param name="left">The first subscription.</param>
    /// <param name="right">The second subscription.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(Subscription left, Subscription right) => left.Equals(right);

    /// <summary>Tells whether two subscriptions differ.</summary>
    /// <param name="left">The first subscription.</param>
    /// <param name="right">The second subscription.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(Subscription left, Subscription right) => !left.Equals(right);
}
