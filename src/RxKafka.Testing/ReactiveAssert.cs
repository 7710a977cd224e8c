using System.Globalization;
using System.Reactive;
using System.Reactive.Linq;
using System.Text;

namespace RxKafka.Testing;

/// <summary>
/// Assertions for reactive tests, independent of any test framework: failures throw
/// <see cref="ReactiveAssertException"/>. Drop-in replacement for Microsoft.Reactive.Testing's
/// <c>ReactiveAssert</c>.
/// </summary>
public static class ReactiveAssert
{
    /// <summary>Asserts that two sequences have equal elements in the same order.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expected">The expected elements; each is compared as <c>expected.Equals(actual)</c>.</param>
    /// <param name="actual">The actual elements.</param>
    /// <exception cref="ReactiveAssertException">The sequences differ; the message shows both and the first differing index.</exception>
    public static void AreElementsEqual<T>(IEnumerable<T> expected, IEnumerable<T> actual) =>
        AreElementsEqual(expected, actual, EqualityComparer<T>.Default, null);

    /// <summary>Asserts that two sequences have equal elements in the same order, using <paramref name="comparer"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expected">The expected elements.</param>
    /// <param name="actual">The actual elements.</param>
    /// <param name="comparer">The element comparer; null means the default.</param>
    /// <exception cref="ReactiveAssertException">The sequences differ.</exception>
    public static void AreElementsEqual<T>(IEnumerable<T> expected, IEnumerable<T> actual, IEqualityComparer<T>? comparer) =>
        AreElementsEqual(expected, actual, comparer, null);

    /// <summary>Asserts that two sequences have equal elements in the same order.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expected">The expected elements.</param>
    /// <param name="actual">The actual elements.</param>
    /// <param name="message">A message put first in the failure message.</param>
    /// <exception cref="ReactiveAssertException">The sequences differ.</exception>
    public static void AreElementsEqual<T>(IEnumerable<T> expected, IEnumerable<T> actual, string? message) =>
        AreElementsEqual(expected, actual, EqualityComparer<T>.Default, message);

    /// <summary>Asserts that two sequences have equal elements in the same order, using <paramref name="comparer"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expected">The expected elements.</param>
    /// <param name="actual">The actual elements.</param>
    /// <param name="comparer">The element comparer; null means the default.</param>
    /// <param name="message">A message put first in the failure message.</param>
    /// <exception cref="ReactiveAssertException">The sequences differ.</exception>
    public static void AreElementsEqual<T>(IEnumerable<T> expected, IEnumerable<T> actual, IEqualityComparer<T>? comparer, string? message)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        comparer ??= EqualityComparer<T>.Default;

        var e = expected as IReadOnlyList<T> ?? expected.ToList();
        var a = actual as IReadOnlyList<T> ?? actual.ToList();
        var common = Math.Min(e.Count, a.Count);
        var index = 0;
        while (index < common && comparer.Equals(e[index], a[index]))
        {
            index++;
        }

        if (index == common && e.Count == a.Count)
        {
            return;
        }

        throw new ReactiveAssertException(DescribeDifference(e, a, index, message));
    }

    /// <summary>Asserts that two observables produce equal notifications (values, errors, completion) in the same order.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expected">The expected observable.</param>
    /// <param name="actual">The actual observable.</param>
    /// <exception cref="ReactiveAssertException">The notification sequences differ.</exception>
    /// <remarks>Both observables are subscribed and waited for, so they must terminate.</remarks>
    public static void AreElementsEqual<T>(IObservable<T> expected, IObservable<T> actual) =>
        AreElementsEqual(expected, actual, null, null);

    /// <summary>Asserts that two observables produce equal notifications, comparing values with <paramref name="comparer"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expected">The expected observable.</param>
    /// <param name="actual">The actual observable.</param>
    /// <param name="comparer">The value comparer; null means the default.</param>
    /// <exception cref="ReactiveAssertException">The notification sequences differ.</exception>
    public static void AreElementsEqual<T>(IObservable<T> expected, IObservable<T> actual, IEqualityComparer<T>? comparer) =>
        AreElementsEqual(expected, actual, comparer, null);

    /// <summary>Asserts that two observables produce equal notifications.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expected">The expected observable.</param>
    /// <param name="actual">The actual observable.</param>
    /// <param name="message">A message put first in the failure message.</param>
    /// <exception cref="ReactiveAssertException">The notification sequences differ.</exception>
    public static void AreElementsEqual<T>(IObservable<T> expected, IObservable<T> actual, string? message) =>
        AreElementsEqual(expected, actual, null, message);

    /// <summary>Asserts that two observables produce equal notifications, comparing values with <paramref name="comparer"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="expected">The expected observable.</param>
    /// <param name="actual">The actual observable.</param>
    /// <param name="comparer">The value comparer; null means the default.</param>
    /// <param name="message">A message put first in the failure message.</param>
    /// <exception cref="ReactiveAssertException">The notification sequences differ.</exception>
    public static void AreElementsEqual<T>(IObservable<T> expected, IObservable<T> actual, IEqualityComparer<T>? comparer, string? message)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        AreElementsEqual(
            expected.Materialize().ToEnumerable(),
            actual.Materialize().ToEnumerable(),
            comparer is null ? null : new NotificationComparer<T>(comparer),
            message);
    }

    /// <summary>Asserts that <paramref name="action"/> throws <typeparamref name="TException"/> (or a type derived from it).</summary>
    /// <typeparam name="TException">The expected exception type.</typeparam>
    /// <param name="action">The code under test.</param>
    /// <returns>The exception thrown, for further checks.</returns>
    /// <exception cref="ReactiveAssertException">Nothing was thrown, or another exception type was.</exception>
    public static TException Throws<TException>(Action action)
        where TException : Exception =>
        Throws<TException>(action, null);

    /// <summary>Asserts that <paramref name="action"/> throws <typeparamref name="TException"/> (or a type derived from it).</summary>
    /// <typeparam name="TException">The expected exception type.</typeparam>
    /// <param name="action">The code under test.</param>
    /// <param name="message">A message put first in the failure message.</param>
    /// <returns>The exception thrown, for further checks.</returns>
    /// <exception cref="ReactiveAssertException">Nothing was thrown, or another exception type was.</exception>
    public static TException Throws<TException>(Action action, string? message)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            action();
        }
        catch (TException ex)
        {
            return ex;
        }
        catch (Exception ex)
        {
            throw new ReactiveAssertException(
                Prefix(message) + $"Expected {typeof(TException).Name} but {ex.GetType().Name} was thrown: {ex.Message}", ex);
        }

        throw new ReactiveAssertException(Prefix(message) + $"Expected {typeof(TException).Name} but no exception was thrown.");
    }

    /// <summary>Asserts that <paramref name="action"/> throws exactly the instance <paramref name="exception"/>.</summary>
    /// <typeparam name="TException">The expected exception type.</typeparam>
    /// <param name="exception">The instance that must be thrown.</param>
    /// <param name="action">The code under test.</param>
    /// <exception cref="ReactiveAssertException">Nothing was thrown, or another exception (type or instance) was.</exception>
    public static void Throws<TException>(TException exception, Action action)
        where TException : Exception =>
        Throws(exception, action, null);

    /// <summary>Asserts that <paramref name="action"/> throws exactly the instance <paramref name="exception"/>.</summary>
    /// <typeparam name="TException">The expected exception type.</typeparam>
    /// <param name="exception">The instance that must be thrown.</param>
    /// <param name="action">The code under test.</param>
    /// <param name="message">A message put first in the failure message.</param>
    /// <exception cref="ReactiveAssertException">Nothing was thrown, or another exception (type or instance) was.</exception>
    public static void Throws<TException>(TException exception, Action action, string? message)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(exception);
        var thrown = Throws<TException>(action, message);
        if (!ReferenceEquals(thrown, exception))
        {
            throw new ReactiveAssertException(
                Prefix(message) + $"Expected the given {typeof(TException).Name} instance (\"{exception.Message}\") but another instance was thrown (\"{thrown.Message}\").",
                thrown);
        }
    }

    /// <summary>Asserts that <paramref name="action"/> completes without throwing.</summary>
    /// <param name="action">The code under test.</param>
    /// <exception cref="ReactiveAssertException">An exception was thrown; it is the inner exception.</exception>
    public static void DoesNotThrow(Action action) => DoesNotThrow(action, null);

    /// <summary>Asserts that <paramref name="action"/> completes without throwing.</summary>
    /// <param name="action">The code under test.</param>
    /// <param name="message">A message put first in the failure message.</param>
    /// <exception cref="ReactiveAssertException">An exception was thrown; it is the inner exception.</exception>
    public static void DoesNotThrow(Action action, string? message)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            action();
        }
        catch (Exception ex)
        {
            throw new ReactiveAssertException(
                Prefix(message) + $"Expected no exception but {ex.GetType().Name} was thrown: {ex.Message}", ex);
        }
    }

    /// <summary>Asserts that <paramref name="actual"/> equals <paramref name="expected"/> element by element.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="actual">The actual elements, for example <c>observer.Messages</c> or <c>xs.Subscriptions</c>.</param>
    /// <param name="expected">The expected elements.</param>
    /// <exception cref="ReactiveAssertException">The sequences differ.</exception>
    public static void AssertEqual<T>(this IEnumerable<T> actual, IEnumerable<T> expected)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        AreElementsEqual(expected, actual);
    }

    /// <summary>Asserts that <paramref name="actual"/> equals <paramref name="expected"/> element by element, using <paramref name="comparer"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="actual">The actual elements.</param>
    /// <param name="expected">The expected elements.</param>
    /// <param name="comparer">The element comparer; null means the default.</param>
    /// <exception cref="ReactiveAssertException">The sequences differ.</exception>
    public static void AssertEqual<T>(this IEnumerable<T> actual, IEnumerable<T> expected, IEqualityComparer<T>? comparer)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        AreElementsEqual(expected, actual, comparer);
    }

    /// <summary>
    /// Asserts that <paramref name="actual"/> equals <paramref name="expected"/> element by element:
    /// <c>observer.Messages.AssertEqual(OnNext(210, 1), OnCompleted&lt;int&gt;(250))</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="actual">The actual elements.</param>
    /// <param name="expected">The expected elements.</param>
    /// <exception cref="ReactiveAssertException">The sequences differ.</exception>
    public static void AssertEqual<T>(this IEnumerable<T> actual, params T[] expected)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        AreElementsEqual(expected, actual);
    }

    /// <summary>Asserts that two observables produce equal notifications.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="actual">The actual observable.</param>
    /// <param name="expected">The expected observable.</param>
    /// <exception cref="ReactiveAssertException">The notification sequences differ.</exception>
    public static void AssertEqual<T>(this IObservable<T> actual, IObservable<T> expected)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        AreElementsEqual(expected, actual);
    }

    /// <summary>Asserts that two observables produce equal notifications, comparing values with <paramref name="comparer"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="actual">The actual observable.</param>
    /// <param name="expected">The expected observable.</param>
    /// <param name="comparer">The value comparer; null means the default.</param>
    /// <exception cref="ReactiveAssertException">The notification sequences differ.</exception>
    public static void AssertEqual<T>(this IObservable<T> actual, IObservable<T> expected, IEqualityComparer<T>? comparer)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        AreElementsEqual(expected, actual, comparer);
    }

    private static string Prefix(string? message) =>
        string.IsNullOrEmpty(message) ? string.Empty : message + Environment.NewLine;

    private static string DescribeDifference<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, int index, string? message)
    {
        var sb = new StringBuilder(Prefix(message));
        sb.Append(CultureInfo.InvariantCulture, $"Sequences differ at index {index}: expected ");
        sb.Append(index < expected.Count ? Format(expected[index]) : "<end of sequence>");
        sb.Append(", actual ");
        sb.Append(index < actual.Count ? Format(actual[index]) : "<end of sequence>");
        sb.AppendLine(".");
        AppendList(sb, "Expected", expected);
        AppendList(sb, "Actual  ", actual);
        return sb.ToString();
    }

    private static void AppendList<T>(StringBuilder sb, string label, IReadOnlyList<T> items)
    {
        sb.Append(CultureInfo.InvariantCulture, $"{label} ({items.Count}): [");
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(Format(items[i]));
        }

        sb.AppendLine("]");
    }

    private static string Format<T>(T value) => value?.ToString() ?? "null";

    /// <summary>Compares notifications, using a value comparer for two OnNext notifications.</summary>
    private sealed class NotificationComparer<T>(IEqualityComparer<T> comparer) : IEqualityComparer<Notification<T>>
    {
        public bool Equals(Notification<T>? x, Notification<T>? y)
        {
            // A predicate expectation answers for itself and cannot be inspected.
            if (x is PredicateNotification<T> || y is PredicateNotification<T>)
            {
                return x is PredicateNotification<T> ? x.Equals(y) : y!.Equals(x);
            }

            if (x is not null && y is not null && x.Kind == NotificationKind.OnNext && y.Kind == NotificationKind.OnNext)
            {
                return comparer.Equals(x.Value, y.Value);
            }

            return EqualityComparer<Notification<T>>.Default.Equals(x, y);
        }

        public int GetHashCode(Notification<T> obj) =>
            obj is not PredicateNotification<T> && obj.Kind == NotificationKind.OnNext
                ? (obj.Value is null ? 0 : comparer.GetHashCode(obj.Value))
                : EqualityComparer<Notification<T>>.Default.GetHashCode(obj);
    }
}
