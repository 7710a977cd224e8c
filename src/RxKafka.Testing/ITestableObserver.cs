using System.Reactive;

namespace RxKafka.Testing;

/// <summary>An observer that records every notification it receives with the virtual time of its arrival.</summary>
/// <typeparam name="T">The element type.</typeparam>
public interface ITestableObserver<T> : IObserver<T>
{
    /// <summary>Gets the notifications received so far, in arrival order, stamped with their virtual times.</summary>
    IList<Recorded<Notification<T>>> Messages { get; }
}
