namespace RxKafka.Testing;

/// <summary>
/// Thrown by <see cref="ReactiveAssert"/> when an assertion fails. Test frameworks report it as a
/// failure like their own assertion exceptions; the message shows expected and actual values.
/// </summary>
public sealed class ReactiveAssertException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ReactiveAssertException()
        : base("A reactive assertion failed.")
    {
    }

    /// <summary>Creates the exception with a message describing the failure.</summary>
    /// <param name="message">What was expected and what happened.</param>
    public ReactiveAssertException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused the failure.</summary>
    /// <param name="message">What was expected and what happened.</param>
    /// <param name="innerException">The unexpected exception, if any.</param>
    public ReactiveAssertException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
