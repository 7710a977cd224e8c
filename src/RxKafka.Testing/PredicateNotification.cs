using System.Reactive;

namespace RxKafka.Testing;

/// <summary>
/// An expected notification that matches actual notifications by a predicate rather than by value.
/// It exists only to sit on the expected side of an equality check; it cannot be delivered.
/// </summary>
internal abstract class PredicateNotification<T> : Notification<T>
{
    public override T Value => throw NotDeliverable();

    public override bool HasValue => throw NotDeliverable();

    public override Exception Exception => throw NotDeliverable();

    public override NotificationKind Kind => throw NotDeliverable();

    /// <summary>The kind of notification this predicate accepts.</summary>
    public abstract NotificationKind ExpectedKind { get; }

    public override bool Equals(Notification<T>? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        // Two predicates cannot be compared, and a predicate never equals a notification of another kind.
        if (other is null or PredicateNotification<T> || other.Kind != ExpectedKind)
        {
            return false;
        }

        return Matches(other);
    }

    public override bool Equals(object? obj) => Equals(obj as Notification<T>);

    // Any stable value will do: a predicate cannot promise hash agreement with what it matches.
    public override int GetHashCode() => (int)ExpectedKind;

    public override void Accept(IObserver<T> observer) => throw NotDeliverable();

    public override TResult Accept<TResult>(IObserver<T, TResult> observer) => throw NotDeliverable();

    public override void Accept(Action<T> onNext, Action<Exception> onError, Action onCompleted) => throw NotDeliverable();

    public override TResult Accept<TResult>(Func<T, TResult> onNext, Func<Exception, TResult> onError, Func<TResult> onCompleted) => throw NotDeliverable();

    protected abstract bool Matches(Notification<T> other);

    private static NotSupportedException NotDeliverable() =>
        new("A predicate notification is an expectation for assertions only; it cannot be delivered or inspected.");
}

/// <summary>Matches an OnNext whose value satisfies the predicate.</summary>
internal sealed class OnNextPredicate<T>(Func<T, bool> predicate) : PredicateNotification<T>
{
    public override NotificationKind ExpectedKind => NotificationKind.OnNext;

    public override string ToString() => "OnNext(<predicate>)";

    protected override bool Matches(Notification<T> other) => predicate(other.Value);
}

/// <summary>Matches an OnError whose exception satisfies the predicate.</summary>
internal sealed class OnErrorPredicate<T>(Func<Exception, bool> predicate) : PredicateNotification<T>
{
    public override NotificationKind ExpectedKind => NotificationKind.OnError;

    public override string ToString() => "OnError(<predicate>)";

    protected override bool Matches(Notification<T> other) => predicate(other.Exception!);
}
